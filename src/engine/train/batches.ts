import * as tf from '@tensorflow/tfjs';
import { cropResize, normalize, type Archive, type DatasetItem, type ImageDecoder } from '../data';
import { backboneSpec, modelConfigOf, type Preprocessing } from '../models';
import { isExternalModel, type ScoringModel } from './externalModel';

export interface ImageOptions {
  decoder: ImageDecoder;
  /** Square side the model takes. */
  inputSize: number;
  /** The backbone's own normalization. */
  preprocessing: Preprocessing;
}

/** Decodes `items` stretched to inputSize² and normalizes them: [n, s, s, 3]; the caller disposes it. */
export async function loadImages(archive: Archive, items: DatasetItem[], options: ImageOptions): Promise<tf.Tensor4D> {
  const pixels = await loadPixels(archive, items, options);
  const x = normalize(pixels, options.preprocessing);
  pixels.dispose();
  return x;
}

/**
 * Decodes `items` stretched to inputSize² (an item in a face crop: its crop, resampled), raw RGB 0..255 (what `augment`
 * takes): [n, s, s, 3]; the caller disposes it.
 */
export async function loadPixels(archive: Archive, items: DatasetItem[], options: Pick<ImageOptions, 'decoder' | 'inputSize'>): Promise<tf.Tensor4D> {
  const s = options.inputSize;
  const pixels = new Float32Array(items.length * s * s * 3);
  await Promise.all(
    items.map(async (item, k) => {
      const bytes = await archive.read(item.path);
      if (item.crop) pixels.set(cropResize(await options.decoder(bytes), item.crop.square, s), k * s * s * 3);
      else pixels.set((await options.decoder(bytes, { width: s, height: s })).data, k * s * s * 3);
    }),
  );
  return tf.tensor4d(pixels, [items.length, s, s, 3]);
}

/** Model inputs of one batch: one tensor per model input, owned by the consumer. */
export interface InputBatch {
  inputs: tf.Tensor[];
  items: DatasetItem[];
}

/** Item indices [0, n) in batches of `batchSize`, in order (val, test, cache building). */
export function inOrder(n: number, batchSize: number): number[][] {
  const plan: number[][] = [];
  for (let i = 0; i < n; i += batchSize) plan.push(Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => i + k));
  return plan;
}

/**
 * Loads the batches of `plan` one ahead of the consumer, so decoding overlaps the step. A consumer that stops
 * early leaves the batch loaded ahead to be freed here.
 */
export async function* prefetch(
  items: DatasetItem[],
  plan: number[][],
  load: (items: DatasetItem[]) => Promise<tf.Tensor[] | InputBatch>,
): AsyncGenerator<InputBatch> {
  // A loader may hand back its own items (augmentation moves their keypoints).
  const start = (b: number) => {
    const batchItems = plan[b].map((i) => items[i]);
    return load(batchItems).then((got) => (Array.isArray(got) ? { inputs: got, items: batchItems } : got));
  };
  let next = plan.length ? start(0) : undefined;
  try {
    for (let b = 0; b < plan.length; b++) {
      const current = await next!;
      next = b + 1 < plan.length ? start(b + 1) : undefined;
      yield current;
    }
  } finally {
    next?.then((batch) => tf.dispose(batch.inputs), () => {});
  }
}

/** Decoding settings for a `buildModel` model: its input size and its backbone's normalization, unless given. */
export function imageOptionsFor(
  model: ScoringModel,
  options: { decoder: ImageDecoder; inputSize?: number; preprocessing?: Preprocessing },
): ImageOptions {
  const inputSize = options.inputSize ?? (isExternalModel(model) ? model.inputSize : (model.inputs[0].shape[1] as number));
  let preprocessing = options.preprocessing;
  if (!preprocessing) {
    if (isExternalModel(model)) throw new Error(`${model.name}: pass its preprocessing`);
    const config = modelConfigOf(model);
    if (!config) throw new Error(`cannot tell the preprocessing of '${model.name}' (not made by buildModel or loadSavedModel); pass it`);
    preprocessing = backboneSpec(config.backbone).preprocessing;
  }
  return { decoder: options.decoder, inputSize, preprocessing };
}
