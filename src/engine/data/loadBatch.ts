import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../models';
import type { Archive } from './archive';
import { batchIndices, type BatchOptions } from './batchIndices';
import { normalize, targetsOf } from './preprocess';
import type { DatasetItem, DatasetTask, ImageDecoder } from './types';

export interface LoadOptions {
  decoder: ImageDecoder;
  /** Square side the backbone takes (`BackboneSpec.inputSize`). */
  size: number;
  /** The backbone's own normalization (`BackboneSpec.preprocessing`). */
  preprocessing: Preprocessing;
  task: DatasetTask;
  /** Classes of a multiclass dataset. */
  numClasses?: number;
}

/** One batch: images [n, size, size, 3] normalized, and one target tensor per model output. */
export interface Batch {
  x: tf.Tensor4D;
  targets: tf.Tensor2D[];
  items: DatasetItem[];
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  tf.dispose(batch.targets);
}

/**
 * Decodes `items` (stretched to size×size, as torchvision's Resize((s, s))), normalizes them and builds their
 * targets. The caller owns the tensors (see `disposeBatch`).
 */
export async function loadBatch(archive: Archive, items: DatasetItem[], options: LoadOptions): Promise<Batch> {
  const { size } = options;
  const pixels = new Float32Array(items.length * size * size * 3);
  await Promise.all(
    items.map(async (item, k) => {
      const image = await options.decoder(await archive.read(item.path), { width: size, height: size });
      pixels.set(image.data, k * size * size * 3);
    }),
  );
  const x = tf.tidy(() => normalize(tf.tensor4d(pixels, [items.length, size, size, 3]), options.preprocessing));
  return { x, targets: targetsOf(items, options.task, options.numClasses), items };
}

/**
 * The batches of one epoch, decoded one ahead of the consumer. Seeded shuffle and dropped last batch per
 * `batch`; each yielded batch belongs to the consumer, who disposes it.
 */
export async function* epochBatches(
  archive: Archive,
  items: DatasetItem[],
  epoch: number,
  options: LoadOptions & { batch?: Partial<BatchOptions> },
): AsyncGenerator<Batch> {
  const plan = batchIndices(items.length, epoch, options.batch);
  let next = plan.length ? loadBatch(archive, plan[0].map((i) => items[i]), options) : undefined;
  try {
    for (let b = 0; b < plan.length; b++) {
      const current = await next!;
      next = b + 1 < plan.length ? loadBatch(archive, plan[b + 1].map((i) => items[i]), options) : undefined;
      yield current;
    }
  } finally {
    // The consumer stopped early: the batch decoded ahead is nobody's, so free it.
    next?.then(disposeBatch, () => {});
  }
}
