import * as tf from '@tensorflow/tfjs';
import type { Archive, DatasetItem, ImageDecoder } from '../data';
import type { Preprocessing } from '../models';
import type { Evaluation, Task, TaskContext } from '../tasks/types';
import { imageOptionsFor, inOrder, loadImages, prefetch, type InputBatch } from './batches';
import { outputLosses, weightedTotal } from './step';

/** One item's raw outputs (one row per model output) and its `Task.itemError`. */
export interface ScoredItem {
  item: DatasetItem;
  outputs: number[][];
  error: number;
}

export interface BatchEvaluation {
  evaluation: Evaluation;
  /** Weighted total loss of each batch, in order. */
  losses: number[];
  /** Per item, in order; empty unless `score` was asked for. */
  scored: ScoredItem[];
}

/**
 * Runs `model` in inference mode over `batches` (which it disposes): the task's metrics, each batch's loss
 * and, with `score`, every item's outputs and error for the best/worst gallery. One read back per batch.
 */
export async function evaluateBatches(
  model: tf.LayersModel,
  task: Task,
  ctx: TaskContext,
  batches: AsyncIterable<InputBatch>,
  options: { score?: boolean; onBatch?: (done: number) => void } = {},
): Promise<BatchEvaluation> {
  const metrics = task.metrics(ctx);
  const lossSpec = task.losses(ctx);
  const losses: number[] = [];
  const scored: ScoredItem[] = [];
  let done = 0;
  for await (const { inputs, items } of batches) {
    const [loss, ...outputs] = tf.tidy(() => {
      const y = model.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: items.length });
      const preds = Array.isArray(y) ? y : [y];
      const targets = task.targets(items, ctx);
      return [weightedTotal(outputLosses(preds, targets, lossSpec), lossSpec), ...preds];
    });
    tf.dispose(inputs);
    const [lossValue, ...values] = (await Promise.all([loss, ...outputs].map((t) => t.data()))) as Float32Array[];
    tf.dispose([loss, ...outputs]);
    losses.push(lossValue[0]);
    metrics.add(values, items);
    if (options.score) {
      items.forEach((item, i) => {
        const rows = values.map((v) => Array.from(v.subarray((i * v.length) / items.length, ((i + 1) * v.length) / items.length)));
        scored.push({ item, outputs: rows, error: task.itemError(rows, item, ctx) });
      });
    }
    done += items.length;
    options.onBatch?.(done);
  }
  return { evaluation: metrics.result(), losses, scored };
}

export interface EvaluateOptions {
  decoder: ImageDecoder;
  /** Square input side; the model's own input size by default. */
  inputSize?: number;
  /** The backbone's normalization; read from the model's name (`backbone+preset`) by default. */
  preprocessing?: Preprocessing;
  /** Images per forward pass (default 32). */
  batchSize?: number;
  /** Images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The task's metrics of `model` on `items` of `archive` (the CLI's `evaluate`, the UI's test split). */
export async function evaluate(
  model: tf.LayersModel,
  task: Task,
  ctx: TaskContext,
  archive: Archive,
  items: DatasetItem[],
  options: EvaluateOptions,
): Promise<Evaluation> {
  const images = imageOptionsFor(model, options);
  const batches = prefetch(items, inOrder(items.length, options.batchSize ?? 32), async (b) => [await loadImages(archive, b, images)]);
  const { evaluation } = await evaluateBatches(model, task, ctx, batches, { onBatch: (done) => options.onProgress?.(done, items.length) });
  return evaluation;
}
