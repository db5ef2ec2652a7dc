import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16 } from './float16';

const roundTrip = (values: number[]) => {
  const out = new Float32Array(values.length);
  decodeFloat16(encodeFloat16(new Float32Array(values)), out);
  return Array.from(out);
};

describe('encodeFloat16', () => {
  it('keeps values exact where half precision can hold them', () => {
    expect(roundTrip([0, -0, 1, -2, 0.5, 65504, 2 ** -24, 1 + 2 ** -10])).toEqual([0, -0, 1, -2, 0.5, 65504, 2 ** -24, 1 + 2 ** -10]);
  });

  it('rounds to nearest even, overflows to infinity and keeps NaN', () => {
    expect(roundTrip([1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, -70000, 2 ** -26])).toEqual([1, 1 + 2 * 2 ** -10, Infinity, -Infinity, 0]);
    expect(roundTrip([NaN])[0]).toBeNaN();
  });

  it('stays within half precision relative error on typical features', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 37.3);
    roundTrip(values).forEach((v, i) => expect(Math.abs(v - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 2 ** -24));
  });
});
