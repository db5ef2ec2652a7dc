import * as tf from '@tensorflow/tfjs';
import { bestWeights, type WeightsCopy } from '../bestWeights';
import { savedCopy } from '../checkpoint';
import { TrainingDiverged } from '../divergence';
import type { Hook, Learner } from '../fit';
import type { Evaluation, Task, TaskContext } from '../../tasks';

export interface BestEpoch extends Hook {
  /** Whether the epoch that just ended is the best so far (valid during its `epochEnd`). */
  readonly isBest: boolean;
  /** The Report key that picks the best epoch (`keptBy`). */
  readonly metric: string;
  /** That metric at the best epoch. */
  readonly value: number | undefined;
  /** A copy of the best epoch's weights while a later epoch is being trained. */
  readonly kept: WeightsCopy | undefined;
  /** Extends the kept copy to layers that now train (fine_tune's phase 2), with their current, untrained weights. */
  widen(): void;
  release(): void;
}

/**
 * What picks the kept epoch: the task's primary metric on val (`val_accuracy`, `val_nme`); with several outputs,
 * the total val loss as trained (weighted over the heads), so that no head is left out of the choice.
 */
export function keptBy(task: Task, ctx: TaskContext): { metric: string; higherIsBetter: boolean; of(val: Evaluation, losses: number[]): number | undefined } {
  if (task.outputs(ctx).length > 1) {
    return { metric: 'val_loss', higherIsBetter: false, of: (_, losses) => (losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : undefined) };
  }
  const { name, higherIsBetter } = task.primaryMetric;
  return { metric: `val_${name}`, higherIsBetter, of: (val) => val.metrics[name] };
}

/**
 * Keeps the weights of the epoch whose `keptBy` metric is the best, and leaves the model holding them when the
 * run ends (done, stopped, or diverged; a run with no validated epoch keeps its own). Sets `bestEpoch` and `best`.
 */
export function bestEpoch(learner: Learner): BestEpoch {
  const { model, task, result, config } = learner;
  const { metric, higherIsBetter, of } = keptBy(task, config.ctx);
  let value: number | undefined;
  let kept: WeightsCopy | undefined;
  let isBest = false;
  const better = (v: number | undefined) =>
    v !== undefined && !Number.isNaN(v) && (value === undefined || (higherIsBetter ? v > value : v < value));
  return {
    name: 'bestEpoch',
    order: -30,
    get isBest() {
      return isBest;
    },
    metric,
    get value() {
      return value;
    },
    get kept() {
      return kept;
    },
    onTrainBegin() {
      const best = learner.resumeFrom?.best;
      if (!best) return;
      value = best.value;
      result.bestEpoch = best.epoch;
      result.best = best.evaluation;
      // The model holds the checkpoint's epoch: its own weights are the best when that epoch was the best.
      kept = best.weights ? savedCopy(model, best.weights) : bestWeights(model);
    },
    onEpochEnd(ctx) {
      const v = ctx.val && of(ctx.val, ctx.valLosses ?? []);
      isBest = better(v);
      if (!isBest) return;
      value = v;
      kept?.dispose();
      kept = bestWeights(model);
      result.bestEpoch = ctx.epoch;
      result.best = ctx.val;
    },
    onTrainEnd(ctx) {
      if (ctx.ended !== 'failed' || ctx.error instanceof TrainingDiverged) kept?.restore();
    },
    widen() {
      if (!kept) return;
      const old = new Map(kept.entries().map((e) => [e.layer, e.values]));
      const wider = bestWeights(model, (layer) => (old.get(layer.name) ?? layer.weights.map((w) => w.read())).map((t) => tf.clone(t)));
      kept.dispose();
      kept = wider;
    },
    release() {
      kept?.dispose();
      kept = undefined;
    },
  };
}
