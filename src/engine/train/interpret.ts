/**
 * Interpretation of a trained model on a split (fastai's `Interpretation`): every item's own loss, truth and
 * prediction, worst first, for top losses, the images of a confusion-matrix cell, the worst faces, the largest
 * age errors. Plain data out; no DOM.
 */
import type * as tf from '@tensorflow/tfjs';
import { uncropItem, type Archive, type DatasetItem } from '../data';
import { decodeItem } from './decodeItem';
import type { Evaluation, Prediction, Task, TaskContext } from '../tasks/types';
import { evaluateBatches, itemBatches, type EvaluateOptions } from './evaluate';

/** One item as interpretation sees it. Plain data. */
export interface InterpretedItem {
  /** The item with its truth (label, points, age and gender), as the dataset has it (never a face crop's). */
  item: DatasetItem;
  /** The task's weighted loss on this item alone: what orders top losses. */
  loss: number;
  /** `Task.itemError` (1 − p(true class), NME, scaled age + gender error): what a gallery shows. */
  error: number;
  /** The prediction in pixels of the original image (`Task.decode`). */
  prediction: Prediction;
}

export interface Interpretation {
  /** The split's metrics (the same as `evaluate`'s). */
  evaluation: Evaluation;
  /** Every item of the split, highest loss first. */
  items: InterpretedItem[];
}

/** `model` over `items` of `archive`: the split's metrics and each item's loss and prediction, worst first. */
export async function interpret(
  model: tf.LayersModel,
  task: Task,
  ctx: TaskContext,
  archive: Archive,
  items: DatasetItem[],
  options: EvaluateOptions,
): Promise<Interpretation> {
  const { evaluation, scored } = await evaluateBatches(model, task, ctx, itemBatches(model, archive, items, options), {
    score: true,
    itemLosses: true,
    tta: options.tta,
    onBatch: (done) => options.onProgress?.(done, items.length),
  });
  const interpreted = scored.map(({ item, outputs, error, loss }) => ({
    item: uncropItem(item),
    loss: loss!,
    error,
    prediction: decodeItem(task, outputs, item, ctx),
  }));
  return { evaluation, items: interpreted.sort((a, b) => b.loss - a.loss) };
}
