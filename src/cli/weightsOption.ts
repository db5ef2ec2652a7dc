import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import {
  hasBundledWeights,
  importTorchvision,
  importedWeightsInfo,
  loadPretrained,
  RANDOM_INIT,
  type BackboneSpec,
  type WeightsInfo,
} from '../engine/models';
import { fileWeightSource } from './fileWeightSource';

/**
 * The CLI's `--weights FILE|URL|pretrained|random`, applied to a model just made by `buildModel`:
 * - absent: the backbone's bundled weights (public/weights, prepared at install) where it has them, else random
 *   init; bundled weights that cannot be read leave random init with the reason in `problem`;
 * - `pretrained`: the bundled weights, or an error when there are none;
 * - `random`: random init, as built;
 * - a `.safetensors` path or an http(s) URL: a torchvision-named state dict, imported by module path.
 * Resolves to what `summary` prints (`pretrained`, `source`, missing / unexpected keys of an import).
 */
export async function loadWeightsOption(model: tf.LayersModel, spec: BackboneSpec, arg?: string): Promise<WeightsInfo> {
  if (arg === 'random') return RANDOM_INIT;
  if (arg === undefined || arg === 'pretrained') {
    if (!hasBundledWeights(spec.name)) {
      if (arg === undefined) return RANDOM_INIT;
      throw new Error(`${spec.name} has no bundled weights; pass --weights FILE.safetensors or --weights URL (torchvision names)`);
    }
    try {
      return await loadPretrained(model, fileWeightSource());
    } catch (e) {
      if (arg === 'pretrained') throw e;
      return { ...RANDOM_INIT, problem: (e as Error).message };
    }
  }
  let bytes: ArrayBuffer;
  if (/^https?:\/\//.test(arg)) {
    const response = await fetch(arg);
    if (!response.ok) throw new Error(`--weights ${arg}: the server answered ${response.status} ${response.statusText}`);
    bytes = await response.arrayBuffer();
  } else {
    const file = await readFile(arg).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`--weights ${arg}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    // A large read has its own ArrayBuffer: take it as it is rather than copy 500 MB.
    const whole = file.byteOffset === 0 && file.byteLength === file.buffer.byteLength;
    bytes = (whole ? file.buffer : file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) as ArrayBuffer;
  }
  const name = arg.split(/[\\/]/).filter(Boolean).pop() ?? arg;
  return importedWeightsInfo(importTorchvision(model, bytes), name);
}
