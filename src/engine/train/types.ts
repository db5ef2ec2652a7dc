import type { BackendChoice } from '../backend';
import type { DatasetItem } from '../data';
import type { ModelConfig } from '../models';
import type { AugmentOptions } from './augment';
import type { FineTuneOptions } from './fineTune';
import type { ScheduleName } from './schedules';
import type { TrunkEngineName } from './trunkRunner';
import type { Evaluation, Prediction, TaskContext, TaskName } from '../tasks/types';

export const OPTIMIZER_NAMES = ['adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** A training run's settings: JSON, shared by the UI, the worker, the CLI and saved projects. */
export interface TrainConfig {
  model: ModelConfig;
  task: TaskName;
  ctx: TaskContext;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Compute the frozen prefix once and train the rest from it (on unless inputs are augmented). */
  featureCache: boolean;
  /** Learning-rate schedule over each phase's steps (schedules.ts); 'constant' when absent. */
  schedule?: ScheduleName;
  /** Train the head on the frozen trunk, then unfreeze with discriminative rates (fineTune.ts); `epochs` counts both phases. */
  fineTune?: FineTuneOptions;
  /** Augment train batches (augment.ts; `{}` takes AUGMENT_DEFAULTS); absent: none. No feature cache with it. */
  augment?: AugmentOptions;
}

/** Where a run is. */
export type TrainState = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';

/** A val image's prediction for the best/worst gallery. */
export interface SamplePrediction {
  path: string;
  prediction: Prediction;
  /** `Task.itemError`: lower is better. */
  error: number;
}

/**
 * What the trainer tells its listener, in order. Report keys are torch_snippets': `trn_loss`, `val_loss`,
 * and per-output losses `trn_<output>_loss` when there are several outputs; epoch metrics are `val_<metric>`.
 */
export type TrainEvent =
  | { type: 'state'; state: TrainState; message?: string }
  /**
   * Finding the face crops (`phase: 'faces'`, `ModelConfig.faceCrop`), building the feature cache (`'cache'`) and
   * scoring val or test, one step per image; train, per batch.
   */
  | { type: 'progress'; phase: 'faces' | 'cache' | 'train' | 'val' | 'test'; done: number; total: number }
  /**
   * One Report record: `pos` is the fractional epoch, as `Report.record`; `line` its progress line (for a
   * terminal); `elapsedMs` and `etaMs` the times in it, as numbers (`Report.times`).
   */
  | { type: 'record'; pos: number; values: Record<string, number>; line: string; elapsedMs: number; etaMs: number }
  | {
      type: 'epoch';
      epoch: number;
      /** `Report.reportAvgs(epoch)`. */
      averages: Record<string, number>;
      val: Evaluation;
      seconds: number;
      /** Best epoch so far by `keptBy.metric`: its weights are the ones the run keeps. */
      best: boolean;
      /** What picks the kept epoch (`val_accuracy`; `val_loss` for several outputs) and its value at the best epoch so far. */
      keptBy: { metric: string; value: number | undefined };
    }
  /** Best and worst val predictions of the epoch. */
  | { type: 'samples'; epoch: number; best: SamplePrediction[]; worst: SamplePrediction[] }
  /** The run goes on from a checkpoint: records and epochs after `epoch` (an unfinished one) are void. */
  | { type: 'resume'; epoch: number }
  /** The test split's metrics, scored once with the kept epoch's weights after training (`runTraining`). */
  | { type: 'test'; evaluation: Evaluation }
  /** Something the user should know that is not a failure: a backend restarted, a batch size lowered. */
  | { type: 'notice'; message: string; backend?: BackendChoice }
  /** Who runs the frozen trunk that fills the feature cache (`TrunkRunner.label`), and why that engine. */
  | { type: 'trunk'; engine: TrunkEngineName; label: string; why: string };

export type TrainListener = (event: TrainEvent) => void;

/** The items a run trains and validates on. */
export interface TrainSplits {
  train: DatasetItem[];
  val: DatasetItem[];
}
