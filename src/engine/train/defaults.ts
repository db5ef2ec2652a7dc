import type { ModelConfig } from '../models';
import type { TaskContext, TaskName } from '../tasks/types';
import type { TrainConfig } from './types';

/** The hyper-parameters a run needs besides the model, the task and its context. */
export type Hyperparameters = Pick<TrainConfig, 'optimizer' | 'learningRate' | 'batchSize' | 'epochs' | 'seed' | 'featureCache' | 'schedule' | 'fineTune' | 'augment'>;

/** The book's input size: every chapter-5 recipe resizes to 224². */
export const DEFAULT_INPUT_SIZE = 224;
export const DEFAULT_SEED = 42;

/**
 * The book's recipes ("Modern Computer Vision with PyTorch", ch. 5): cats vs dogs Adam 1e-3, batch 32, 5 epochs;
 * facial keypoints Adam 1e-4, batch 16; age + gender Adam 1e-4, batch 32, 5 epochs. Keypoints trains 5 epochs
 * here too (the book runs more), which the studio's frozen backbones reach its accuracy in.
 */
export const TRAIN_DEFAULTS: Record<TaskName, Hyperparameters> = {
  classification: { optimizer: 'adam', learningRate: 1e-3, batchSize: 32, epochs: 5, seed: DEFAULT_SEED, featureCache: true },
  keypoints: { optimizer: 'adam', learningRate: 1e-4, batchSize: 16, epochs: 5, seed: DEFAULT_SEED, featureCache: true },
  'age-gender': { optimizer: 'adam', learningRate: 1e-4, batchSize: 32, epochs: 5, seed: DEFAULT_SEED, featureCache: true },
};

/** A complete TrainConfig from the task's defaults, with `overrides` on top. */
export function defaultTrainConfig(
  task: TaskName,
  model: ModelConfig,
  ctx: TaskContext,
  overrides: Partial<Hyperparameters> = {},
): TrainConfig {
  return { model, task, ctx, ...TRAIN_DEFAULTS[task], ...overrides };
}
