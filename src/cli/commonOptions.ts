import { BACKBONE_NAMES, backboneSpec } from '../engine/models';
import { TTA_NAMES } from '../engine/train';
import type { CommandOptions } from './args';
import { NODE_BACKENDS } from './node/nodeBackends';
import { numberOption } from './numberOption';

/**
 * Largest `--input-size`: one 2048² image is 48 MiB of float32 input and its first convolution's output
 * (64 channels at 1024²) 256 MiB more, already more than a browser tab holds comfortably for one image.
 */
export const MAX_INPUT_SIZE = 2048;

/** `--input-size N`, checked the same way in every command that takes it. */
export function inputSizeOption(value: string, usage: string): number {
  const maxWhy = `one ${MAX_INPUT_SIZE}² image already takes ~300 MiB through the first layer`;
  return numberOption('--input-size', value, { integer: true, min: 1, max: MAX_INPUT_SIZE, maxWhy }, usage);
}

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
    value: 'pretrained|imagenet|random|FILE|URL',
    help: 'bundled weights, ImageNet weights from the hub (downloaded once, then cached), random init, or a torchvision-named .safetensors file or URL',
    defaultText: 'bundled where the backbone has them, else random',
  },
  freeze: { type: 'string', value: 'PATH', multiple: true, help: 'freeze a module and everything under it (applied in order with --unfreeze)' },
  unfreeze: { type: 'string', value: 'PATH', multiple: true, help: 'unfreeze a module and everything under it' },
  backend: { type: 'string', choices: NODE_BACKENDS, default: 'wasm', help: 'the tfjs backend to run on' },
  'face-crop': {
    type: 'boolean',
    default: false,
    help: "train on the square around each image's face (BlazeFace's box) instead of the whole image; predict and evaluate crop the same way",
  },
  'no-face-crop': { type: 'boolean', default: false, help: 'train on whole images, even where the proposed recipe crops faces (keypoints on face_dense)' },
  tta: {
    type: 'string',
    choices: TTA_NAMES,
    default: 'none',
    help: 'test-time augmentation: flip also predicts each image mirrored and averages (keypoints mirrored back)',
  },
} satisfies CommandOptions;
