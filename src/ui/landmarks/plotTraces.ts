import type { Data, Layout } from 'plotly.js';
import { contourIndices, FACE_REGIONS, faceRegion, pointGroup, type FaceRegion } from '../../engine/landmarks';

/** How the 3D plot draws a 468-point mesh: its points, its surface (with the points), or its 68-point contours. */
export const MESH_VIEWS = ['points', 'mesh', 'contours'] as const;
export type MeshView = (typeof MESH_VIEWS)[number];

/** Region colours, shared by the 2D and 3D views and their legend. */
export const REGION_COLORS: Record<FaceRegion, string> = {
  lips: '#d62728',
  'left eye': '#1f77b4',
  'right eye': '#17becf',
  'left brow': '#8c564b',
  'right brow': '#e377c2',
  nose: '#ff7f0e',
  'face oval': '#2ca02c',
  rest: '#7f7f7f',
};
const COMPARE_COLOR = '#9467bd';

/** A point's hover text: its index and group, as the 2D view titles it too. */
export const pointLabel = (i: number, count: number) => `#${i} ${pointGroup(i, count)}`;

type Points = readonly (readonly number[])[];
type Axes = { x: number[]; y: number[]; z?: number[] };

/**
 * Image points → plot axes. 3D: x stays, image y goes up the plot's vertical axis flipped (so the face is
 * upright), depth runs along the plot's y (negative z, towards the camera, comes forward); 2D points get z = 0.
 * 2D: image x and y as they are (the layout turns the y axis down, as in the image).
 */
function axes(points: Points, flat: boolean): Axes {
  if (flat) return { x: points.map((p) => p[0]), y: points.map((p) => p[1]) };
  return { x: points.map((p) => p[0]), y: points.map((p) => p[2] ?? 0), z: points.map((p) => -p[1]) };
}

const pick = (a: Axes, ids: number[]): Axes => {
  const at = (axis: number[]) => ids.map((i) => axis[i]);
  return a.z ? { x: at(a.x), y: at(a.y), z: at(a.z) } : { x: at(a.x), y: at(a.y) };
};

/** One markers trace per region present, named after it (the legend), in FACE_REGIONS order. */
function regionTraces(points: Points, flat: boolean, size: number): Data[] {
  const all = axes(points, flat);
  const count = points.length;
  return FACE_REGIONS.flatMap((region) => {
    const ids = points.flatMap((_, i) => (faceRegion(i, count) === region ? [i] : []));
    if (ids.length === 0) return [];
    return [
      {
        type: flat ? 'scatter' : 'scatter3d',
        mode: 'markers',
        name: region,
        legendgroup: region,
        ...pick(all, ids),
        text: ids.map((i) => pointLabel(i, count)),
        hovertemplate: '%{text}<extra></extra>',
        marker: { size: flat ? size + 2 : size, color: REGION_COLORS[region] },
      } as Data,
    ];
  });
}

/** The nine contour polylines of 68 points, one trace per line in its region's colour (or one `color`). */
function contourTraces(points: Points, flat: boolean, color?: string, name = ''): Data[] {
  const all = axes(points, flat);
  return contourIndices().map((line) => {
    const region = faceRegion(line[0], 68);
    return {
      type: flat ? 'scatter' : 'scatter3d',
      mode: 'lines',
      name: name || `${region} contour`,
      legendgroup: name || region,
      showlegend: false,
      ...pick(all, line),
      line: { color: color ?? REGION_COLORS[region], width: flat ? 1.5 : 4 },
      hoverinfo: 'skip',
    } as Data;
  });
}

/** FaceMesh's surface: a light, softly shaded skin under the points. */
function surfaceTrace(points: Points, triangulation: readonly number[]): Data {
  const triples = (k: number) => triangulation.filter((_, n) => n % 3 === k);
  return {
    type: 'mesh3d',
    name: 'surface',
    ...axes(points, false),
    i: triples(0),
    j: triples(1),
    k: triples(2),
    color: '#e8d6c4',
    opacity: 1,
    flatshading: false,
    lighting: { ambient: 0.55, diffuse: 0.6, specular: 0.08, roughness: 0.8, fresnel: 0.1 },
    lightposition: { x: 0, y: -1e5, z: 1e5 },
    hoverinfo: 'skip',
    showlegend: true,
  } as unknown as Data;
}

export interface PlotInput {
  /** The face's points shown: 468 mesh points or 68 iBUG points, in image pixels. */
  points: Points;
  /** '3d' draws a rotatable scene; '2d' a flat view with y down, as in the image. */
  dims: '2d' | '3d';
  /** For 468 points: points, surface (needs `triangulation`) or the 68-point contours (needs `subset68`). */
  view?: MeshView;
  triangulation?: readonly number[];
  subset68?: Points;
  /** Another model's 68 points, drawn last in one colour. */
  compare?: Points;
}

/**
 * The plot's traces: for a 468-point mesh viewed as a surface the `mesh3d` comes first (its x are the 468
 * points), then one markers trace per face region (the legend); 68 points get their contours in region colours;
 * `compare` comes last as `compared` and `compared contours`.
 */
export function plotTraces({ points, dims, view = 'mesh', triangulation, subset68, compare }: PlotInput): Data[] {
  const flat = dims === '2d';
  const traces: Data[] = [];
  if (points.length === 468 && !flat && view === 'contours' && subset68) {
    traces.push(...regionTraces(subset68, false, 3), ...contourTraces(subset68, false));
  } else if (points.length === 468) {
    const surface = !flat && view === 'mesh' && triangulation && triangulation.length > 0;
    if (surface) traces.push(surfaceTrace(points, triangulation));
    traces.push(...regionTraces(points, flat, surface ? 1.6 : 2.2));
  } else {
    traces.push(...regionTraces(points, flat, 3));
    if (points.length === 68) traces.push(...contourTraces(points, flat));
  }
  if (compare?.length === 68) {
    const all = axes(compare, flat);
    traces.push(
      {
        type: flat ? 'scatter' : 'scatter3d',
        mode: 'markers',
        name: 'compared',
        legendgroup: 'compared',
        ...all,
        text: compare.map((_, i) => pointLabel(i, 68)),
        hovertemplate: '%{text}<extra>compared</extra>',
        marker: { size: flat ? 5 : 3, color: COMPARE_COLOR },
      } as Data,
      ...contourTraces(compare, flat, COMPARE_COLOR, 'compared contours'),
    );
  }
  return traces;
}

const legend = { orientation: 'h', x: 0, y: 1, yanchor: 'bottom', itemclick: 'toggle', itemdoubleclick: 'toggleothers' } as Layout['legend'];

/** 3D: equal aspect (`aspectmode: 'data'`), looking at the face from the front. 2D: equal aspect, y down. */
export function plotLayout(dims: '2d' | '3d' = '3d'): Partial<Layout> {
  const axis = { showticklabels: false, title: { text: '' } };
  // uirevision: switching the view or the image keeps the user's rotation, zoom and hidden legend items.
  const common = { margin: { l: 0, r: 0, t: 40, b: 0 }, showlegend: true, legend, uirevision: dims };
  if (dims === '2d') {
    return {
      ...common,
      xaxis: { ...axis, zeroline: false, showgrid: false, constrain: 'domain' },
      yaxis: { ...axis, zeroline: false, showgrid: false, autorange: 'reversed', scaleanchor: 'x', scaleratio: 1 },
    };
  }
  return {
    ...common,
    scene: {
      aspectmode: 'data',
      xaxis: axis,
      yaxis: axis,
      zaxis: axis,
      camera: { eye: { x: 0, y: -2, z: 0.2 }, up: { x: 0, y: 0, z: 1 } },
    },
  };
}
