import type { Hook, Learner } from '../fit';
import type { BestEpoch } from './bestEpoch';
import type { ScoredItem } from '../evaluate';
import type { SamplePrediction } from '../types';
import { decodeItem } from '../decodeItem';

/**
 * Sends the `count` best and worst val predictions (the gallery), by the task's item error, of each epoch that is
 * the best so far: the gallery shows the kept epoch, the weights the run ends with and Predict uses.
 */
export function samples(learner: Learner, count: number, best: BestEpoch): Hook {
  const { task, config } = learner;
  const sample = ({ item, outputs, error }: ScoredItem): SamplePrediction => ({
    path: item.path,
    prediction: decodeItem(task, outputs, item, config.ctx),
    error,
  });
  return {
    name: 'samples',
    order: -25,
    onEpochEnd({ epoch, scored = [] }) {
      const k = Math.min(count, Math.floor(scored.length / 2));
      if (k === 0 || !best.isBest) return;
      const sorted = [...scored].sort((a, b) => a.error - b.error);
      learner.emit({ type: 'samples', epoch, best: sorted.slice(0, k).map(sample), worst: sorted.slice(-k).reverse().map(sample) });
    },
  };
}
