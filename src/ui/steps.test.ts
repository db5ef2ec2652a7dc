import { describe, expect, it } from 'vitest';
import { stepFromHash } from './steps';

describe('stepFromHash', () => {
  it('reads a known step from the hash, with or without #', () => {
    expect(stepFromHash('#results')).toBe('results');
    expect(stepFromHash('train')).toBe('train');
  });

  it('is null for an empty or unknown hash', () => {
    expect(stepFromHash('')).toBeNull();
    expect(stepFromHash('#nope')).toBeNull();
  });
});
