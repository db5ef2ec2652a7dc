import { describe, expect, it } from 'vitest';
import { lossAxis, lrAxis } from './lrFinderChart';

const sweep = (losses: number[]) => losses.map((loss, i) => ({ lr: 1e-7 * 10 ** (i / 2), loss, raw: loss }));

describe('lrAxis', () => {
  it('spans whole decades from the first rate swept to the last', () => {
    const axis = lrAxis(sweep([1, 1, 1, 1, 1])); // 1e-7 … 1e-5
    expect(axis.domain).toEqual([1e-7, 1e-5]);
    expect(axis.ticks.map((t) => Math.log10(t))).toEqual([-7, -6, -5].map((e) => expect.closeTo(e, 12)));
  });
});

describe('lossAxis', () => {
  it('keeps the curve from its lowest point to a little above its start, not up to where the loss blew up', () => {
    const [lo, hi] = lossAxis(sweep([0.7, 0.69, 0.5, 0.4, 5])).domain;
    expect(lo).toBeLessThan(0.4);
    expect(hi).toBeGreaterThan(0.7);
    expect(hi).toBeLessThan(1);
  });
});
