import { describe, expect, it } from 'vitest';
import { steepest, valley, type LrPoint } from './lrFind';

/** A made-up curve: flat at first, falling fastest around lr 1e-3, bottoming at 1e-1, then blowing up. */
const lrs = Array.from({ length: 61 }, (_, i) => 1e-6 * 10 ** (i / 10));
const curve: LrPoint[] = lrs.map((lr) => {
  const x = Math.log10(lr);
  const loss = 1 - 0.8 / (1 + Math.exp(-3 * (x + 3))) + (x > -1 ? (x + 1) ** 2 * 2 : 0);
  return { lr, loss, raw: loss };
});

describe('steepest', () => {
  it('finds where the loss falls fastest against log(lr)', () => {
    expect(Math.log10(steepest(curve))).toBeCloseTo(-3, 0);
  });
});

describe('valley', () => {
  it('lies inside the longest descent, past its steepest part and before the bottom', () => {
    const v = Math.log10(valley(curve));
    expect(v).toBeGreaterThan(-4);
    expect(v).toBeLessThan(-1);
  });
});
