import * as tf from '@tensorflow/tfjs';
import type { Archive, DatasetItem, ImageDecoder } from '../data';
import type { Preprocessing } from '../models';
import type { Evaluation, Task, TaskContext } from '../tasks/types';
import { imageOptionsFor, inOrder, loadImages, prefetch, type InputBatch } from './batches';
import { outputLosses, weightedTotal, type OutputLoss } from './step';
import type { ScoringModel } from './externalModel';
import { scoreOutputs, type TtaName } from './tta';

/** One item's raw outputs (one row per model output) and its `Task.itemError`. */
export interface ScoredItem {
  item: DatasetItem;
  outputs: number[][];
  error: number;
  /** The task's weighted loss on this item alone (fastai's `top_losses`); only with `itemLosses`. */
  loss?: number;
}

/** Each row's weighted loss, as the batch's loss would be on that row alone: [n]. Call inside a tidy. */
function rowLosses(preds: tf.Tensor[], targets: tf.Tensor[], lossSpec: OutputLoss[]): tf.Tensor1D {
  const n = preds[0].shape[0];
  const row = (t: tf.Tensor, r: number) => t.slice([r, 0], [1, -1]);
  return tf.stack(
    Array.from({ length: n }, (_, r) => weightedTotal(outputLosses(preds.map((p) => row(p, r)), targets.map((t) => row(t, r)), lossSpec), lossSpec)),
  ) as tf.Tensor1D;
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
 * and, with `score`, every item's outputs and error for the best/worst gallery (with `itemLosses`, its loss too).
 * `tta: 'flip'` averages each image's outputs with its mirror's (`predictOutputs`). One read back per batch.
 */
export async function evaluateBatches(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  batches: AsyncIterable<InputBatch>,
  options: { score?: boolean; itemLosses?: boolean; tta?: TtaName; onBatch?: (done: number) => void } = {},
): Promise<BatchEvaluation> {
  const metrics = task.metrics(ctx);
  const lossSpec = task.losses(ctx);
  const losses: number[] = [];
  const scored: ScoredItem[] = [];
  let done = 0;
  for await (const { inputs, items } of batches) {
    const perItem = options.score && options.itemLosses;
    const outputs = await scoreOutputs(model, inputs, { task, ctx, tta: options.tta }).finally(() => tf.dispose(inputs));
    const [loss, itemLoss] = tf.tidy(() => {
      const targets = task.targets(items, ctx);
      const total = weightedTotal(outputLosses(outputs, targets, lossSpec), lossSpec);
      return [total, perItem ? rowLosses(outputs, targets, lossSpec) : tf.zeros([0])];
    });
    const [lossValue, itemLossValues, ...values] = (await Promise.all([loss, itemLoss, ...outputs].map((t) => t.data()))) as Float32Array[];
    tf.dispose([loss, itemLoss, ...outputs]);
    losses.push(lossValue[0]);
    metrics.add(values, items);
    if (options.score) {
      items.forEach((item, i) => {
        const rows = values.map((v) => Array.from(v.subarray((i * v.length) / items.length, ((i + 1) * v.length) / items.length)));
        scored.push({ item, outputs: rows, error: task.itemError(rows, item, ctx), ...(perItem ? { loss: itemLossValues[i] } : {}) });
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
  /** Test-time augmentation (default 'none'). */
  tta?: TtaName;
  /** Images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The task's metrics of `model` on `items` of `archive` (the CLI's `evaluate`, the UI's test split). */
export async function evaluate(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  archive: Archive,
  items: DatasetItem[],
  options: EvaluateOptions,
): Promise<Evaluation> {
  const { evaluation } = await evaluateBatches(model, task, ctx, itemBatches(model, archive, items, options), {
    tta: options.tta,
    onBatch: (done) => options.onProgress?.(done, items.length),
  });
  return evaluation;
}

/** `items` of `archive` in order, decoded for `model` and prefetched in batches: what `evaluate` and `interpret` read. */
export function itemBatches(model: ScoringModel, archive: Archive, items: DatasetItem[], options: EvaluateOptions) {
  const images = imageOptionsFor(model, options);
  return prefetch(items, inOrder(items.length, options.batchSize ?? 32), async (b) => [await loadImages(archive, b, images)]);
}
