// No tfjs here: the studio's page reads these (the Train panel's options) and must not load tfjs.
import type { TrainConfig } from './types';

export interface FineTuneOptions {
  /** Epochs of phase 1, head only on the frozen trunk (fastai's default 1). */
  freezeEpochs: number;
  /** Module path from which the trunk is unfrozen (`layer4`, `expanded_conv_12`); the whole trunk when absent. */
  unfreezeFrom?: string;
  /** The head's rate over the first group's: fastai's `slice(lr/100, lr)` is 100. */
  lrRatio?: number;
  /** Keep every trunk BatchNorm training in phase 2 (fastai's `train_bn`). */
  trainBn?: boolean;
}

export const FINE_TUNE_DEFAULTS = { freezeEpochs: 1, lrRatio: 100, trainBn: false };

/** The phase `epoch` (1-based) lies in: its first and last epoch. Without `fineTune`, one phase. */
export function phaseOf(config: Pick<TrainConfig, 'epochs' | 'fineTune'>, epoch: number): { phase: 1 | 2; first: number; last: number } {
  const freeze = config.fineTune ? Math.min(config.fineTune.freezeEpochs, config.epochs) : 0;
  if (!config.fineTune || freeze === 0) return { phase: config.fineTune ? 2 : 1, first: 1, last: config.epochs };
  return epoch <= freeze ? { phase: 1, first: 1, last: freeze } : { phase: 2, first: freeze + 1, last: config.epochs };
}
