import { describe, expect, it } from 'vitest';
import { batchIndices } from './batchIndices';

describe('batchIndices', () => {
  it('drops the last partial batch by default and keeps it when asked', () => {
    expect(batchIndices(10, 0, { batchSize: 4 }).map((b) => b.length)).toEqual([4, 4]);
    expect(batchIndices(10, 0, { batchSize: 4, dropLast: false }).map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it('shuffles the same way for the same seed and epoch, differently across epochs', () => {
    const a = batchIndices(50, 3, { batchSize: 10, seed: 7 });
    expect(batchIndices(50, 3, { batchSize: 10, seed: 7 })).toEqual(a);
    expect(batchIndices(50, 4, { batchSize: 10, seed: 7 })).not.toEqual(a);
    expect(a.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(batchIndices(5, 0, { batchSize: 5, shuffle: false })).toEqual([[0, 1, 2, 3, 4]]);
  });
});
