import { describe, expect, it } from 'vitest';
import { withMeshDepth } from './withMeshDepth';

describe('withMeshDepth', () => {
  it('gives each point the depth of the mesh point nearest to it in the image plane', () => {
    const mesh = [
      [0, 0, -5],
      [10, 0, 3],
      [0, 10, 7],
    ];
    expect(withMeshDepth([[1, 1], [9, 2], [2, 12]], mesh)).toEqual([
      [1, 1, -5],
      [9, 2, 3],
      [2, 12, 7],
    ]);
  });

  it('leaves the points flat (z = 0) when the mesh has no depth', () => {
    expect(withMeshDepth([[4, 5]], [[4, 5]])).toEqual([[4, 5, 0]]);
    expect(withMeshDepth([[4, 5]], [])).toEqual([[4, 5, 0]]);
  });
});
