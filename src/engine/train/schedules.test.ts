import { describe, expect, it } from 'vitest';
import { FINAL_DIV, scheduledLr, SCHEDULES, WARMUP_DIV } from './schedules';

describe('SCHEDULES', () => {
  it('one-cycle warms from lr/25 to lr at 25% of the steps, then anneals to lr/1e5', () => {
    expect(scheduledLr('one-cycle', 1e-3, 0, 100)).toBeCloseTo(1e-3 / WARMUP_DIV, 12);
    expect(scheduledLr('one-cycle', 1e-3, 25, 100)).toBeCloseTo(1e-3, 12);
    expect(SCHEDULES['one-cycle'](1)).toBeCloseTo(1 / FINAL_DIV, 12);
    // Half-way down the cosine: the mean of lr and lr/1e5.
    expect(SCHEDULES['one-cycle'](0.625)).toBeCloseTo((1 + 1 / FINAL_DIV) / 2, 9);
  });

  it('cosine warms up linearly over the first 10% of the steps', () => {
    expect(SCHEDULES.cosine(0)).toBeCloseTo(1 / WARMUP_DIV, 12);
    expect(SCHEDULES.cosine(0.05)).toBeCloseTo((1 + 1 / WARMUP_DIV) / 2, 12);
    expect(SCHEDULES.cosine(0.1)).toBeCloseTo(1, 12);
    expect(SCHEDULES.cosine(0.55)).toBeCloseTo((1 + 1 / FINAL_DIV) / 2, 9);
  });

  it('constant keeps the rate', () => {
    expect(scheduledLr('constant', 0.01, 7, 10)).toBe(0.01);
  });
});
