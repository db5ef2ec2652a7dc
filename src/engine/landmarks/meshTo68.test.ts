import { describe, expect, it } from 'vitest';
import { MESH_TO_68, meshTo68 } from './meshTo68';

describe('meshTo68', () => {
  it('takes one mesh point per iBUG point, averaging the pairs the table lists', () => {
    const mesh = Array.from({ length: 468 }, (_, i) => [i, 2 * i, -i]);
    const subset = meshTo68(mesh);
    expect(subset).toHaveLength(68);
    expect(subset[8]).toEqual([152, 304, -152]); // chin: mesh 152
    expect(subset[3]).toEqual([95, 190, -95]); // mean of mesh 132 and 58
    expect(new Set(MESH_TO_68.flat()).size).toBeGreaterThan(60);
    expect(MESH_TO_68.flat().every((i) => i >= 0 && i < 468)).toBe(true);
  });

  it('refuses a mesh other than the 468 FaceMesh points', () => {
    expect(() => meshTo68([[0, 0, 0]])).toThrow(/468/);
  });
});
