/** The 68-point face grouping (iBUG 300-W / dlib order) used to colour and name keypoints. */
export const FACE_GROUPS = [
  { name: 'jaw', from: 0, to: 16 },
  { name: 'brows', from: 17, to: 26 },
  { name: 'nose', from: 27, to: 35 },
  { name: 'eyes', from: 36, to: 47 },
  { name: 'lips', from: 48, to: 67 },
] as const;
export type FaceGroup = (typeof FACE_GROUPS)[number]['name'];

/** The group of point `i` of a 68-point face, or undefined for other point counts. */
export function faceGroup(i: number, points = 68): FaceGroup | undefined {
  if (points !== 68) return undefined;
  return FACE_GROUPS.find((g) => i >= g.from && i <= g.to)?.name;
}
