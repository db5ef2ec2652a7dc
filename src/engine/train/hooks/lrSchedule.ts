import type { Hook } from '../fit';
import { phaseOf } from '../fineTune';
import { scheduledLr } from '../schedules';
import type { TrainConfig } from '../types';

/**
 * Sets each step's learning rate from `config.schedule` (schedules.ts). With `fineTune` each phase is its own
 * cycle, as fastai's `fine_tune` runs two `fit_one_cycle`s. A function of the epoch and batch only, so a resumed
 * run steps at the rates the uninterrupted one would have.
 */
export function lrSchedule(config: TrainConfig): Hook {
  const schedule = config.schedule ?? 'constant';
  return {
    name: 'lrSchedule',
    order: -50,
    onBatchBegin(ctx) {
      const phase = phaseOf(config, ctx.epoch);
      const step = (ctx.epoch - phase.first) * ctx.batches + ctx.batch;
      const steps = (phase.last - phase.first + 1) * ctx.batches;
      ctx.setLr(scheduledLr(schedule, config.learningRate, step, steps));
    },
  };
}
