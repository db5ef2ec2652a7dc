import { faceGroup, type FaceGroup } from '../data';

/** The 68-point face drawn as polylines (iBUG order); `closed` lines join their last point to their first. */
export const FACE_CONTOURS: readonly { from: number; to: number; closed: boolean }[] = [
  { from: 0, to: 16, closed: false }, // jaw
  { from: 17, to: 21, closed: false }, // right brow
  { from: 22, to: 26, closed: false }, // left brow
  { from: 27, to: 30, closed: false }, // nose bridge
  { from: 30, to: 35, closed: true }, // nose base, back to the tip
  { from: 36, to: 41, closed: true }, // right eye
  { from: 42, to: 47, closed: true }, // left eye
  { from: 48, to: 59, closed: true }, // outer lips
  { from: 60, to: 67, closed: true }, // inner lips
];

/** The point indices of each contour, in drawing order (a closed one repeats its first index at the end). */
export function contourIndices(): number[][] {
  return FACE_CONTOURS.map(({ from, to, closed }) => {
    const ids = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    return closed ? [...ids, from] : ids;
  });
}

/** The group name shown for point `i` of a face with `count` points: iBUG groups for 68, `mesh` otherwise. */
export function pointGroup(i: number, count: number): FaceGroup | 'mesh' {
  return faceGroup(i, count) ?? 'mesh';
}
