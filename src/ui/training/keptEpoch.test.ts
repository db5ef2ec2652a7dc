import { describe, expect, it } from 'vitest';
import { keptEpoch, keptText } from './keptEpoch';
import type { EpochSummary } from './runView';

const val = { n: 2, metrics: {} };
const epoch = (n: number, best: boolean, keptBy?: EpochSummary['keptBy'], averages: Record<string, number> = { trn_loss: 1 }): EpochSummary => ({
  epoch: n,
  averages,
  val,
  seconds: 1,
  best,
  keptBy,
});

describe('keptEpoch', () => {
  it('is the last epoch that was the best so far', () => {
    const epochs = [epoch(1, true), epoch(2, true), epoch(3, false)];
    expect(keptEpoch(epochs)?.epoch).toBe(2);
    expect(keptEpoch([])).toBeUndefined();
  });
});

describe('keptText', () => {
  it('names the metric that chose the epoch and its value', () => {
    expect(keptText(epoch(3, true, { metric: 'val_accuracy', value: 0.9 }))).toBe('kept: epoch 3, best val_accuracy 0.900 — the weights Predict uses');
  });

  it('says the total val loss of a two-headed model is over the heads', () => {
    const twoHeads = epoch(2, true, { metric: 'val_loss', value: 0.21 }, { trn_loss: 1, trn_age_loss: 0.5, trn_gender_loss: 0.5 });
    expect(keptText(twoHeads)).toBe('kept: epoch 2, best val_loss 0.210 (the weighted total over the heads) — the weights Predict uses');
  });

  it('names only the epoch for a project saved without the metric', () => {
    expect(keptText(epoch(1, true))).toBe('kept: epoch 1 — the weights Predict uses');
  });
});
