import { describe, expect, it } from 'vitest';
import { readingProgress } from './readingProgress';

describe('readingProgress (the Train panel\'s "Reading images n / N" phase)', () => {
  it('estimates the time left at the rate so far', () => {
    expect(readingProgress({ done: 100, total: 400 }, 2_000)).toEqual({ done: 100, total: 400, elapsedMs: 2_000, etaMs: 6_000 });
  });

  it('has no estimate before the first image, and none left at the end', () => {
    expect(readingProgress({ done: 0, total: 400 }, 500).etaMs).toBeNull();
    expect(readingProgress({ done: 400, total: 400 }, 8_000).etaMs).toBe(0);
  });
});
