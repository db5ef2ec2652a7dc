import type { DatasetTask } from '../../engine/data';
import { AGE_GENDER_LOSS_WEIGHTS, type TaskName } from '../../engine/tasks';
import { TRAIN_DEFAULTS, type Hyperparameters } from '../../engine/train';

/** What the Train panel edits: the trainer's hyper-parameters and, for several outputs, their loss weights. */
export interface HyperParams extends Hyperparameters {
  /** Loss weight per model output (age-gender: `age`, `gender`); empty for one output. */
  lossWeights: Record<string, number>;
}

/** The studio's task for a dataset's task, as the engine's `taskFor` maps it (two or more classes alike). */
export function taskNameOf(datasetTask: DatasetTask): TaskName {
  return datasetTask === 'binary' || datasetTask === 'multiclass' ? 'classification' : datasetTask;
}

/** The book's recipe for `task`, with the user's changes on top. */
export function hyperParams(task: TaskName, overrides: Partial<HyperParams>): HyperParams {
  const lossWeights = task === 'age-gender' ? { ...AGE_GENDER_LOSS_WEIGHTS, ...overrides.lossWeights } : {};
  return { ...TRAIN_DEFAULTS[task], ...overrides, lossWeights };
}

/** Input sizes offered; smaller ones train faster, and the heads pool globally so any size works. */
export const INPUT_SIZES = [32, 64, 96, 128, 160, 224, 256, 320] as const;
