import { readCopy, readOptimizer, readWeights, type Checkpoint } from '../checkpoint';
import type { Hook, Learner } from '../fit';
import type { BestEpoch } from './bestEpoch';
import type { DivergenceCheck } from './divergenceCheck';

/**
 * Hands every finished epoch to `onCheckpoint` as plain data (checkpoint.ts) and waits for it before the next
 * epoch begins. Runs after every other hook, so the checkpoint holds the epoch as they left it.
 */
export function checkpoints(
  learner: Learner,
  best: BestEpoch,
  divergence: DivergenceCheck,
  onCheckpoint: (checkpoint: Checkpoint) => void | Promise<void>,
): Hook {
  const { model, result, report } = learner;
  return {
    name: 'checkpoints',
    order: Infinity,
    async onEpochEnd({ epoch, step, lr }) {
      const [weights, optimizer, bestCopy] = await Promise.all([
        readWeights(model),
        readOptimizer(learner.optimizer),
        // The best epoch's weights are the model's own when it is this epoch.
        best.kept && result.bestEpoch !== epoch ? readCopy(best.kept) : undefined,
      ]);
      const kept = result.best && { epoch: result.bestEpoch, value: best.value!, evaluation: result.best };
      await onCheckpoint({
        version: 1,
        epoch,
        step,
        lr,
        startNorm: divergence.startNorm,
        weights,
        optimizer,
        ...(kept ? { best: bestCopy ? { ...kept, weights: bestCopy } : kept } : {}),
        report: report.toJSON(),
        history: [...result.history],
        epochSeconds: [...result.epochSeconds],
      });
    },
  };
}
