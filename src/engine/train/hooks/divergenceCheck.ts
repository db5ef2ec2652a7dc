import type * as tf from '@tensorflow/tfjs';
import { badLoss, badWeights, TrainingDiverged } from '../divergence';
import { weightNorm } from '../weightNorm';
import type { Hook, Learner } from '../fit';

export interface DivergenceCheck extends Hook {
  /** The weights' norm when the run began (a resumed run's, from its checkpoint). */
  readonly startNorm: number;
  /** Takes the norm again when other weights start training (fine_tune's phase 2). */
  rebase(): Promise<void>;
}

async function readScalar(t: tf.Scalar): Promise<number> {
  const [value] = (await t.data()) as Float32Array;
  t.dispose();
  return value;
}

/** Ends the run with `TrainingDiverged` when a loss read back is not finite or the weights blew up (divergence.ts). */
export function divergenceCheck(learner: Learner): DivergenceCheck {
  let startNorm = NaN;
  return {
    name: 'divergence',
    order: -40,
    get startNorm() {
      return startNorm;
    },
    async rebase() {
      startNorm = await readScalar(weightNorm(learner.model));
    },
    async onTrainBegin() {
      startNorm = learner.resumeFrom?.startNorm ?? (await readScalar(weightNorm(learner.model)));
    },
    onBatchEnd(ctx) {
      const bad = Object.entries(ctx.logs).map(([k, v]) => badLoss(k, v)).find(Boolean);
      if (bad) throw new TrainingDiverged(ctx.pos, bad, ctx.lr);
      const blownUp = ctx.weightNorm === undefined ? undefined : badWeights(ctx.weightNorm, startNorm);
      if (blownUp) throw new TrainingDiverged(ctx.pos, blownUp, ctx.lr);
    },
    onEpochEnd(ctx) {
      const losses = ctx.valLosses ?? [];
      losses.forEach((loss, b) => {
        const bad = badLoss('val_loss', loss);
        if (bad) throw new TrainingDiverged(ctx.epoch - 1 + (b + 1) / losses.length, bad, ctx.lr);
      });
    },
  };
}
