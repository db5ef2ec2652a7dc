import * as tf from '@tensorflow/tfjs';
import type { DatasetItem } from '../data';
import { inOrder, prefetch } from './batches';
import { decodeFloat16, encodeFloat16 } from './float16';
import type { FeatureStore } from './featureStore';
import { tfjsTrunkLabel } from './tfjsTrunkRunner';
import type { TrunkRunner, TrunkRunnerFactory } from './trunkRunner';

/**
 * How cached features are kept. float16 halves the memory (a 7×7×512 map is 50 KB instead of 100 KB per image)
 * and moves a first-step loss by less than `FLOAT16_LOSS_TOLERANCE`; float32 reproduces uncached training exactly.
 */
export type FeaturePrecision = 'float16' | 'float32';

/**
 * How far (relative) float16-cached features may move the first step's loss from uncached training: float16
 * rounds each feature by at most 2⁻¹¹ ≈ 4.9e-4 of itself, and a loss pooled over many features moves less.
 */
export const FLOAT16_LOSS_TOLERANCE = 1e-3;

/** The frozen prefix's outputs for a set of items, ready to be turned back into suffix inputs. */
export interface FeatureCache {
  store: FeatureStore;
  /** Shape of each cut tensor without the batch dimension. */
  shapes: number[][];
  precision: FeaturePrecision;
  /** Who ran the prefix (`TrunkRunner.label`, or `tfjs <backend>`). */
  trunk: string;
}

export interface BuildCacheOptions {
  store: FeatureStore;
  precision: FeaturePrecision;
  batchSize: number;
  /** Called after each batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches; true ends the build early (the run was stopped). */
  cancelled?: () => boolean;
  /** Runs the prefix on another engine (ONNX Runtime); absent: tfjs runs it. */
  trunkRunner?: TrunkRunnerFactory;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Runs `prefix` once over `items` (images from `loadImages`) and stores each item's outputs under its path.
 * Leaves no tensors behind.
 */
export async function buildFeatureCache(
  prefix: tf.LayersModel,
  items: DatasetItem[],
  loadImages: (items: DatasetItem[]) => Promise<tf.Tensor>,
  options: BuildCacheOptions,
): Promise<FeatureCache> {
  const shapes = prefix.outputs.map((t) => t.shape.slice(1) as number[]);
  const sizes = shapes.map(sizeOf);
  const runner = await options.trunkRunner?.(prefix);
  try {
    let done = 0;
    for await (const { inputs, items: batch } of prefetch(items, inOrder(items.length, options.batchSize), async (b) => [await loadImages(b)])) {
      const values = runner ? await runOn(runner, inputs[0]) : await runOnTfjs(prefix, inputs[0], batch.length);
      for (let i = 0; i < batch.length; i++) {
        const entry = values.map((v, k) => {
          const row = v.subarray(i * sizes[k], (i + 1) * sizes[k]);
          return options.precision === 'float16' ? encodeFloat16(row) : row.slice();
        });
        await options.store.put(batch[i].path, entry);
      }
      done += batch.length;
      options.onProgress?.(done, items.length);
      if (options.cancelled?.()) break;
    }
  } finally {
    await runner?.dispose();
  }
  return { store: options.store, shapes, precision: options.precision, trunk: runner?.label ?? tfjsTrunkLabel() };
}

/** The prefix's outputs for one batch, run by tfjs; disposes `x`. */
async function runOnTfjs(prefix: tf.LayersModel, x: tf.Tensor, n: number): Promise<Float32Array[]> {
  const out = tf.tidy(() => {
    const y = prefix.predict(x, { batchSize: n });
    return Array.isArray(y) ? y : [y];
  });
  x.dispose();
  const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return values;
}

/** The prefix's outputs for one batch, run by `runner`; disposes `x`. */
async function runOn(runner: TrunkRunner, x: tf.Tensor): Promise<Float32Array[]> {
  const data = (await x.data()) as Float32Array;
  const shape = x.shape as [number, number, number, number];
  x.dispose();
  return runner.run(data, shape);
}

/** The suffix inputs of `items` from the cache, one tensor per cut; the caller disposes them. */
export async function cachedInputs(cache: FeatureCache, items: DatasetItem[]): Promise<tf.Tensor[]> {
  const entries = await Promise.all(items.map((item) => cache.store.get(item.path)));
  return cache.shapes.map((shape, k) => {
    const size = sizeOf(shape);
    const buffer = new Float32Array(items.length * size);
    entries.forEach((entry, i) => {
      const part = entry[k];
      if (part instanceof Uint16Array) decodeFloat16(part, buffer, i * size);
      else buffer.set(part, i * size);
    });
    return tf.tensor(buffer, [items.length, ...shape]);
  });
}
