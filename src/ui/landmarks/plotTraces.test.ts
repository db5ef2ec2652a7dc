import { describe, expect, it } from 'vitest';
import { plotLayout, plotTraces } from './plotTraces';

const face = (n: number, dims: number) => Array.from({ length: n }, (_, i) => (dims === 3 ? [i, 10 + i, -i] : [i, 10 + i]));

describe('plotTraces', () => {
  it('puts the 468 mesh points first, upright (image y flipped), depth on the plot y, without contour lines', () => {
    const [points, ...rest] = plotTraces(face(468, 3)) as { x: number[]; y: number[]; z: number[]; text: string[] }[];
    expect(points.x).toHaveLength(468);
    expect(points.z[5]).toBe(-15);
    expect(points.y[5]).toBe(-5);
    expect(points.text[5]).toBe('#5 mesh');
    expect(rest).toHaveLength(0);
  });

  it('draws 68 2D points flat (z = 0) with the nine contours, gaps between them, and names their groups', () => {
    const [points, lines] = plotTraces(face(68, 2)) as { x: (number | null)[]; y: number[]; text: string[] }[];
    expect(points.x).toHaveLength(68);
    expect(points.y.every((v) => v === 0)).toBe(true);
    expect(points.text[36]).toBe('#36 eyes');
    expect(lines.x.filter((v) => v === null)).toHaveLength(9);
  });

  it('adds the compared points after ours and keeps equal aspect', () => {
    expect(plotTraces(face(68, 3), face(68, 2))).toHaveLength(4);
    expect(plotLayout().scene?.aspectmode).toBe('data');
  });
});
