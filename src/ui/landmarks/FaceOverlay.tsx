import { contourIndices } from '../../engine/landmarks';
import { pointLabel } from './plotTraces';

interface Props {
  url: string;
  width: number;
  height: number;
  points: number[][];
  compare?: number[][];
}

/** Polylines through the 68-point contours (open and closed as FACE_CONTOURS says). */
function Contours({ points, color }: { points: number[][]; color: string }) {
  return contourIndices().map((line) => (
    <polyline key={line[0]} points={line.map((i) => `${points[i][0]},${points[i][1]}`).join(' ')} fill="none" stroke={color} strokeWidth={1} vectorEffect="non-scaling-stroke" />
  ));
}

/** The 2D view: the image with the face's points (and, for 68, the contour lines) drawn over it. */
export function FaceOverlay({ url, width, height, points, compare }: Props) {
  const r = Math.max(width, height) / (points.length === 68 ? 200 : 320);
  return (
    <svg className="landmarks-overlay" data-testid="landmarks-overlay" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Image with landmarks">
      <image href={url} width={width} height={height} />
      {points.length === 68 && <Contours points={points} color="#7fdbff" />}
      {compare?.length === 68 && <Contours points={compare} color="#ff6b6b" />}
      {points.map((p, i) => (
        <circle key={i} cx={p[0]} cy={p[1]} r={r} fill="#00e0ff">
          <title>{pointLabel(i, points.length)}</title>
        </circle>
      ))}
    </svg>
  );
}
