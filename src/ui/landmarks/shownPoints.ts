import type { LandmarkFace } from '../../engine/landmarks';
import type { LandmarkPointSet } from '../store/landmarksSlice';

/** The points the views show for a face: 2D's 68, or 3D's mesh or its 68-point subset. */
export function shownPoints(face: LandmarkFace, pointSet: LandmarkPointSet): number[][] {
  return pointSet === 'subset68' && face.subset68 ? face.subset68 : face.points;
}

/** The face's 68 points (2D points, or 3D's subset), for comparing with another model's 68. */
export function points68(face: LandmarkFace): number[][] {
  return face.subset68 ?? face.points;
}
