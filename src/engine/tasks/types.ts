import type * as tf from '@tensorflow/tfjs';
import type { DatasetItem, DatasetTask } from '../data';
import type { PresetName } from '../models';
import type { OutputLoss } from '../train/step';

/** The book's three tasks, by the name used in the UI, the CLI JSON (`"task"`) and saved models. */
export const TASK_NAMES = ['classification', 'keypoints', 'age-gender'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** What a task needs to know about the dataset beyond its items. Plain data (saved with a model). */
export interface TaskContext {
  /** Classification: class names, label i is classes[i]. 2 → sigmoid + BCE; more → softmax + cross-entropy. */
  classes?: string[];
  /** Keypoints: points per image (68). */
  points?: number;
  /** Loss weight per model output name (age-gender: `{ age: 1, gender: 1 }`, the book's). */
  lossWeights?: Record<string, number>;
  /** Classification with uneven classes: the loss weight of each class (classWeights.ts), in `classes` order. */
  classWeights?: number[];
}

/** One image's prediction in the user's terms. Plain data. Coordinates are pixels of the original image. */
export type Prediction =
  | { task: 'classification'; classes: string[]; probs: number[]; label: number }
  | { task: 'keypoints'; points: [number, number][] }
  | { task: 'age-gender'; age: number; gender: 'Male' | 'Female'; pFemale: number };

/** A split's metrics. `metrics` keys are the CLI JSON keys: accuracy | nme, maePx | ageMae, genderAccuracy. */
export interface Evaluation {
  n: number;
  metrics: Record<string, number>;
  /** Classification: confusion[true][predicted] counts. */
  confusion?: number[][];
  /** Classification: accuracy per class name. */
  perClassAccuracy?: Record<string, number>;
}

/** Collects predictions batch by batch and reduces them to an Evaluation. */
export interface MetricAccumulator {
  /** `outputs`: one row-major array per model output ([n, width]), rows in the order of `items`. */
  add(outputs: Float32Array[], items: DatasetItem[]): void;
  result(): Evaluation;
}

/** Everything that differs between the book's tasks; the trainer, the CLI and the UI only talk to this. */
export interface Task {
  name: TaskName;
  /** The model head (`binary`, `multiclass`, `keypoints`, `age-gender`) for this context. */
  preset(ctx: TaskContext): PresetName;
  /** The dataset task whose targets this context trains on (what `targetsOf` encodes). */
  datasetTask(ctx: TaskContext): DatasetTask;
  /** Output names, in model output order. */
  outputs(ctx: TaskContext): string[];
  /** One loss (and weight) per output. */
  losses(ctx: TaskContext): OutputLoss[];
  /** Target tensors, one per output, for `items` (the caller disposes them). */
  targets(items: DatasetItem[], ctx: TaskContext): tf.Tensor2D[];
  metrics(ctx: TaskContext): MetricAccumulator;
  /** The metric that picks the best epoch and sorts the gallery. */
  primaryMetric: { name: string; higherIsBetter: boolean };
  /** One image's outputs (one array per output) → prediction; `width`/`height` of the original image. */
  decode(outputs: number[][], size: { width: number; height: number }, ctx: TaskContext): Prediction;
  /** One item's error for the best/worst gallery: lower is better. */
  itemError(outputs: number[][], item: DatasetItem, ctx: TaskContext): number;
  /**
   * The outputs of horizontally mirrored images ([n, width] each) → the outputs of the images themselves, for flip
   * test-time augmentation; absent where a mirror changes nothing the task predicts. Call inside a tidy.
   */
  unflip?(outputs: tf.Tensor[], ctx: TaskContext): tf.Tensor[];
}

/** The dataset's task → the studio's task. */
export type TaskFor = (datasetTask: DatasetTask) => Task;
