import { BACKBONE_NAMES, backboneSpec } from '../engine/models';
import type { CommandOptions } from './args';
import { NODE_BACKENDS } from './node/nodeBackends';

/** Flags several commands take, worded once: the same name, help line and default wherever they appear. */
export const COMMON_OPTIONS = {
  'input-size': {
    type: 'string',
    value: 'N',
    help: 'side of the square input, in pixels',
    defaultText: `the backbone's own: ${BACKBONE_NAMES.map((b) => `${b} ${backboneSpec(b).inputSize}`).join(', ')}`,
  },
  weights: {
    type: 'string',
    value: 'pretrained|random|FILE|URL',
    help: 'bundled weights, random init, or a torchvision-named .safetensors file or URL',
    defaultText: 'bundled where the backbone has them, else random',
  },
  freeze: { type: 'string', value: 'PATH', multiple: true, help: 'freeze a module and everything under it (applied in order with --unfreeze)' },
  unfreeze: { type: 'string', value: 'PATH', multiple: true, help: 'unfreeze a module and everything under it' },
  backend: { type: 'string', choices: NODE_BACKENDS, default: 'wasm', help: 'the tfjs backend to run on' },
} satisfies CommandOptions;
