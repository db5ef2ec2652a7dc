import { describe, expect, it } from 'vitest';
import { FACE_REGIONS } from '../../engine/landmarks';
import { plotLayout, plotTraces } from './plotTraces';

const face = (n: number, dims: number) => Array.from({ length: n }, (_, i) => (dims === 3 ? [i, 10 + i, -i] : [i, 10 + i]));
/** A stand-in triangulation over 468 points (the real one comes from Human, checked in the engine's test). */
const triangles = Array.from({ length: 880 * 3 }, (_, n) => n % 468);

type Trace = { type: string; mode?: string; name: string; x: (number | null)[]; y: number[]; z?: number[]; i?: number[]; text?: string[] };
const markerCount = (traces: Trace[]) => traces.filter((t) => t.mode === 'markers').reduce((n, t) => n + t.x.length, 0);

describe('plotTraces', () => {
  it('draws a 468-point mesh as a mesh3d surface first, then its points by region, upright with depth on the plot y', () => {
    const [surface, ...regions] = plotTraces({ points: face(468, 3), dims: '3d', view: 'mesh', triangulation: triangles }) as Trace[];
    expect(surface.type).toBe('mesh3d');
    expect(surface.x).toHaveLength(468);
    expect(surface.i).toHaveLength(880);
    expect(surface.z![5]).toBe(-15);
    expect(surface.y[5]).toBe(-5);
    expect(regions.map((t) => t.name)).toEqual([...FACE_REGIONS]);
    expect(regions.every((t) => t.type === 'scatter3d')).toBe(true);
    expect(markerCount(regions)).toBe(468);
    expect(regions.find((t) => t.name === 'nose')!.text).toContain('#1 mesh');
  });

  it('switches to points only, or to the 68-point contours, for the same mesh', () => {
    const input = { points: face(468, 3), dims: '3d' as const, triangulation: triangles, subset68: face(68, 3) };
    const points = plotTraces({ ...input, view: 'points' }) as Trace[];
    expect(points.some((t) => t.type === 'mesh3d')).toBe(false);
    expect(markerCount(points)).toBe(468);
    const contours = plotTraces({ ...input, view: 'contours' }) as Trace[];
    expect(markerCount(contours)).toBe(68);
    expect(contours.filter((t) => t.mode === 'lines')).toHaveLength(9);
  });

  it('draws 2D points flat in image coordinates (y down in the layout), with the nine contours by region', () => {
    const traces = plotTraces({ points: face(68, 2), dims: '2d' }) as Trace[];
    expect(traces.every((t) => t.type === 'scatter')).toBe(true);
    expect(markerCount(traces)).toBe(68);
    const eyes = traces.find((t) => t.name === 'right eye' && t.mode === 'markers')!;
    expect(eyes.text![0]).toBe('#36 eyes');
    expect(eyes.y[0]).toBe(46);
    expect(traces.filter((t) => t.mode === 'lines')).toHaveLength(9);
    expect(plotLayout('2d').yaxis?.autorange).toBe('reversed');
  });

  it('adds the compared points after ours and keeps equal aspect', () => {
    const traces = plotTraces({ points: face(68, 3), dims: '3d', compare: face(68, 2) }) as Trace[];
    expect(traces.filter((t) => t.name === 'compared')).toHaveLength(1);
    expect(traces.at(-1)!.name).toBe('compared contours');
    expect(plotLayout('3d').scene?.aspectmode).toBe('data');
  });
});
