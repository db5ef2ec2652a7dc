import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import {
  hasBundledWeights,
  imagenetSource,
  imagenetSourceText,
  importTorchvision,
  importedWeightsInfo,
  loadPretrained,
  RANDOM_INIT,
  type BackboneSpec,
  type WeightsInfo,
} from '../engine/models';
import { fetchCause } from './fetchCause';
import { fileWeightSource } from './fileWeightSource';
import { cachedImagenetFile } from './imagenetWeights';

export { fetchCause };

/**
 * The CLI's `--weights FILE|URL|pretrained|imagenet|random`, applied to a model just made by `buildModel`:
 * - absent: the backbone's bundled weights (public/weights, prepared at install) where it has them, else random
 *   init; bundled weights that cannot be read leave random init with the reason in `problem`;
 * - `pretrained`: the bundled weights, or an error when there are none;
 * - `imagenet`: torchvision's ImageNet weights for vgg16 / resnet18 / resnet34 from the hub, downloaded once into the
 *   user's cache folder (see imagenetWeights.ts) and imported from there;
 * - `random`: random init, as built;
 * - a `.safetensors` path or an http(s) URL: a torchvision-named state dict, imported by module path.
 * Resolves to what `summary` prints (`pretrained`, `source`, missing / unexpected keys of an import).
 */
export async function loadWeightsOption(model: tf.LayersModel, spec: BackboneSpec, arg?: string): Promise<WeightsInfo> {
  if (arg === 'random') return RANDOM_INIT;
  if (arg === undefined || arg === 'pretrained') {
    if (!hasBundledWeights(spec.name)) {
      if (arg === undefined) return RANDOM_INIT;
      throw new Error(`${spec.name} has no bundled weights; pass --weights imagenet (downloads torchvision's), a FILE.safetensors or a URL (torchvision names)`);
    }
    try {
      return await loadPretrained(model, fileWeightSource());
    } catch (e) {
      if (arg === 'pretrained') throw e;
      return { ...RANDOM_INIT, problem: (e as Error).message };
    }
  }
  if (arg === 'imagenet') {
    const source = imagenetSource(spec.name);
    if (!source) {
      const why = hasBundledWeights(spec.name) ? 'its pretrained weights are bundled and load by default' : 'no ImageNet source is known';
      throw new Error(`--weights imagenet: ${spec.name} has none (${why})`);
    }
    const file = await cachedImagenetFile(source);
    return importedWeightsInfo(importTorchvision(model, await readArrayBuffer(file, 'imagenet')), imagenetSourceText(source));
  }
  let bytes: ArrayBuffer;
  if (/^https?:\/\//.test(arg)) {
    const fail = (e: unknown) => {
      throw new Error(`--weights ${arg}: could not fetch it: ${fetchCause(e)}`);
    };
    const response = await fetch(arg).catch(fail);
    if (!response.ok) throw new Error(`--weights ${arg}: the server answered ${response.status} ${response.statusText}`);
    bytes = await response.arrayBuffer().catch(fail);
  } else {
    bytes = await readArrayBuffer(arg, arg);
  }
  const name = arg.split(/[\\/]/).filter(Boolean).pop() ?? arg;
  return importedWeightsInfo(importTorchvision(model, bytes), name);
}

/** A file's bytes; errors name it as `--weights <flag>`. */
async function readArrayBuffer(file: string, flag: string): Promise<ArrayBuffer> {
  const read = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--weights ${flag}: ${e.code === 'ENOENT' ? 'no such file' : e.message}${file === flag ? '' : ` (${file})`}`);
  });
  // A large read has its own ArrayBuffer: take it as it is rather than copy 500 MB.
  const whole = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength;
  return (whole ? read.buffer : read.buffer.slice(read.byteOffset, read.byteOffset + read.byteLength)) as ArrayBuffer;
}
