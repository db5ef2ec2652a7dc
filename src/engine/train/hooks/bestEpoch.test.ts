import { describe, expect, it } from 'vitest';
import { ageGender, classification, keypoints } from '../../tasks';
import { keptBy } from './bestEpoch';

const val = (metrics: Record<string, number>) => ({ n: 4, metrics });

describe('keptBy', () => {
  it('picks a one-output model on its task\'s primary val metric', () => {
    const byAccuracy = keptBy(classification, { classes: ['cats', 'dogs'] });
    expect(byAccuracy.metric).toBe('val_accuracy');
    expect(byAccuracy.higherIsBetter).toBe(true);
    expect(byAccuracy.of(val({ accuracy: 0.75 }), [9])).toBe(0.75);
    expect(keptBy(keypoints, {}).metric).toBe('val_nme');
  });

  it('picks a two-headed model on the total val loss (the mean of its batches), not on one head', () => {
    const byLoss = keptBy(ageGender, { lossWeights: { age: 5, gender: 1 } });
    expect(byLoss.metric).toBe('val_loss');
    expect(byLoss.higherIsBetter).toBe(false);
    // A better age MAE does not matter: the weighted total over both heads does.
    expect(byLoss.of(val({ ageMae: 1, genderAccuracy: 0.5 }), [0.3, 0.1])).toBeCloseTo(0.2, 10);
    expect(byLoss.of(val({ ageMae: 1 }), [])).toBeUndefined();
  });
});
