import { describe, expect, it } from 'vitest';
import { FACE_REGIONS, faceRegion } from './faceRegions';

const counts = (n: number) => {
  const c = new Map<string, number>();
  for (let i = 0; i < n; i++) c.set(faceRegion(i, n), (c.get(faceRegion(i, n)) ?? 0) + 1);
  return c;
};

describe('faceRegion', () => {
  it('puts every region on the 468-point mesh, MediaPipe’s 36-point face oval and 80 lip points among them', () => {
    const c = counts(468);
    expect([...c.keys()].sort()).toEqual([...FACE_REGIONS].sort());
    expect(c.get('face oval')).toBe(36);
    expect(c.get('lips')).toBe(80);
    expect(faceRegion(1, 468)).toBe('nose');
    expect(faceRegion(33, 468)).toBe('right eye');
    expect(faceRegion(263, 468)).toBe('left eye');
  });

  it('groups the 68 iBUG points: jaw as face oval, brows, nose, eyes, lips', () => {
    expect(Object.fromEntries(counts(68))).toEqual({ 'face oval': 17, 'right brow': 5, 'left brow': 5, nose: 9, 'right eye': 6, 'left eye': 6, lips: 20 });
  });
});
