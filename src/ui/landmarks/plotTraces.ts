import type { Data, Layout } from 'plotly.js';
import { contourIndices, pointGroup } from '../../engine/landmarks';

/** A point's hover text: its index and group, as the 2D view titles it too. */
export const pointLabel = (i: number, count: number) => `#${i} ${pointGroup(i, count)}`;

/**
 * Image points → plot axes: x stays, image y goes up the plot's vertical axis flipped (so the face is
 * upright), depth runs along the plot's y (negative z, towards the camera, comes forward). 2D points get z = 0.
 */
const axes = (points: readonly (readonly number[])[]) => ({
  x: points.map((p) => p[0]),
  y: points.map((p) => p[2] ?? 0),
  z: points.map((p) => -p[1]),
});

/** The contour polylines of 68 points as one trace, gaps (null) between lines. */
function contourTrace(points: readonly (readonly number[])[], color: string, name: string): Data {
  const ids = contourIndices().flatMap((line) => [...line, -1]);
  const pick = (axis: number[]) => ids.map((i) => (i < 0 ? null : axis[i]));
  const { x, y, z } = axes(points);
  return { type: 'scatter3d', mode: 'lines', name, x: pick(x), y: pick(y), z: pick(z), line: { color, width: 4 }, hoverinfo: 'skip', connectgaps: false } as Data;
}

/**
 * The 3D view's traces. The first is always the face's points (468 or 68), so tests and readers find them at
 * `data[0]`; 68-point sets get their contour lines; `compare` (another model's 68 points) comes last.
 */
export function plotTraces(points: readonly (readonly number[])[], compare?: readonly (readonly number[])[]): Data[] {
  const count = points.length;
  const traces: Data[] = [
    {
      type: 'scatter3d',
      mode: 'markers',
      name: count === 68 ? '68 points' : `mesh (${count})`,
      ...axes(points),
      text: points.map((_, i) => pointLabel(i, count)),
      hovertemplate: '%{text}<extra></extra>',
      marker: { size: count === 68 ? 3 : 1.6, color: '#1f77b4' },
    } as Data,
  ];
  if (count === 68) traces.push(contourTrace(points, '#1f77b4', 'contours'));
  if (compare?.length === 68) {
    traces.push(
      { type: 'scatter3d', mode: 'markers', name: 'compared', ...axes(compare), text: compare.map((_, i) => pointLabel(i, 68)), hovertemplate: '%{text}<extra>compared</extra>', marker: { size: 3, color: '#d62728' } } as Data,
      contourTrace(compare, '#d62728', 'compared contours'),
    );
  }
  return traces;
}

/** Equal aspect (`aspectmode: 'data'`), looking at the face from the front. */
export function plotLayout(): Partial<Layout> {
  const axis = { showticklabels: false, title: { text: '' } };
  return {
    margin: { l: 0, r: 0, t: 0, b: 0 },
    showlegend: false,
    scene: {
      aspectmode: 'data',
      xaxis: axis,
      yaxis: axis,
      zaxis: axis,
      camera: { eye: { x: 0, y: -2, z: 0.2 }, up: { x: 0, y: 0, z: 1 } },
    },
  };
}
