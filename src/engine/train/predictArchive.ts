/**
 * Batch predict: every image of a zip or of a few files, one row each. An image that cannot be read or decoded
 * becomes a row with its problem; the rest go on. Where the archive is itself a dataset of the model's task
 * (class folders, a keypoints or age CSV), each row carries the truth and the error against it.
 */
import type * as tf from '@tensorflow/tfjs';
import { cropItem, isImagePath, scanDataset, type Archive, type DatasetItem, type ImageDecoder } from '../data';
import type { Prediction, Task, TaskContext } from '../tasks/types';
import { decodeOutputs, imageOutputs, type PredictOptions } from './predict';

/** One image's row. Plain data. */
export interface PredictedFile {
  /** Path inside the archive (a picked file's name). */
  path: string;
  prediction?: Prediction;
  /** How sure the model is of what it says: the predicted class's or gender's probability; absent for points. */
  confidence?: number;
  /** The archive's own label of this image, in the model's classes; absent when it has none. */
  truth?: DatasetItem;
  /** `Task.itemError` against `truth` (lower is better). */
  error?: number;
  /** Why the image could not be predicted ("path: reason"); nothing else is set then. */
  problem?: string;
}

export interface PredictArchiveOptions extends PredictOptions {
  decoder: ImageDecoder;
  /** Images done so far, of all. */
  onProgress?: (done: number, total: number) => void;
}

/** The probability of what the prediction says; undefined where it says points. */
export function confidenceOf(p: Prediction): number | undefined {
  switch (p.task) {
    case 'classification':
      return p.probs[p.label];
    case 'age-gender':
      return p.gender === 'Female' ? p.pFemale : 1 - p.pFemale;
    case 'keypoints':
      return undefined;
  }
}

/**
 * The archive's labelled items by path, their labels renumbered to the model's classes (by name); empty when the
 * archive is not a dataset, or one of another task.
 */
async function truthByPath(archive: Archive, task: Task, ctx: TaskContext): Promise<Map<string, DatasetItem>> {
  const index = await scanDataset(archive).catch(() => null);
  if (!index?.report.task) return new Map();
  const classes = index.report.classes;
  let items = index.items;
  if (classes) {
    // Class folders: the model's classes by name (a zip of two of a model's five classes is still labelled).
    if (!ctx.classes) return new Map();
    items = items.flatMap((item) => {
      const label = ctx.classes!.indexOf(classes[item.label!]);
      return label < 0 ? [] : [{ ...item, label }];
    });
  } else if (index.report.task !== task.datasetTask(ctx)) return new Map();
  return new Map(items.map((i) => [i.path, i]));
}

/** Every image of `archive` (by name, folders included) predicted with `model`, in path order. */
export async function predictArchive(
  model: tf.LayersModel,
  task: Task,
  ctx: TaskContext,
  archive: Archive,
  options: PredictArchiveOptions,
): Promise<PredictedFile[]> {
  const paths = archive.entries.map((e) => e.path).filter(isImagePath).sort();
  if (paths.length === 0) {
    const why = archive.problems.map((p) => p.reason).join('; ');
    throw new Error(`${archive.name}: no images to predict${why ? ` (${why})` : ''}`);
  }
  const truths = await truthByPath(archive, task, ctx);
  const rows: PredictedFile[] = [];
  for (const path of paths) {
    try {
      const scored = await imageOutputs(model, task, ctx, await archive.read(path), options.decoder, options);
      const { outputs, crop } = scored;
      const prediction = decodeOutputs(task, ctx, scored);
      const found = truths.get(path);
      // The error is the task's on what the model saw: a face crop's truth moved into the crop.
      const truth = found && crop ? cropItem(found, crop.square) : found;
      rows.push({
        path,
        prediction,
        confidence: confidenceOf(prediction),
        ...(truth ? { truth: found!, error: task.itemError(outputs, truth, ctx) } : {}),
      });
    } catch (e) {
      rows.push({ path, problem: `${path}: ${(e as Error).message}` });
    }
    options.onProgress?.(rows.length, paths.length);
  }
  return rows;
}
