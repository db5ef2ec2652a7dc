import { describe, expect, it } from 'vitest';
import { formatRate, roundRate } from './formatRate';

describe('formatRate', () => {
  it('writes significant digits in exponent form, trailing zeros dropped', () => {
    expect(formatRate(1e-3)).toBe('1e-3');
    expect(formatRate(3.1623e-3)).toBe('3.16e-3');
    expect(formatRate(4.5e-7)).toBe('4.5e-7');
    expect(formatRate(2.5)).toBe('2.5e0');
    expect(formatRate(0.0034567, 2)).toBe('3.5e-3');
    expect(formatRate(0)).toBe('0');
  });
});

describe('roundRate', () => {
  it('is the number formatRate shows', () => {
    expect(roundRate(0.0034567, 2)).toBe(0.0035);
    expect(roundRate(1.2345e-5, 1)).toBe(1e-5);
  });
});
