/**
 * Face regions of FaceMesh's 468 points and of the 68 iBUG points, for colouring and the legend. "Left" and
 * "right" are the subject's own (MediaPipe's naming): the right eye appears on the image's left.
 */
export const FACE_REGIONS = ['lips', 'left eye', 'right eye', 'left brow', 'right brow', 'nose', 'face oval', 'rest'] as const;
export type FaceRegion = (typeof FACE_REGIONS)[number];

/**
 * MediaPipe FaceMesh's index lists (Human's `MESH_ANNOTATIONS`; the nose from MediaPipe's `FACEMESH_NOSE`).
 * Earlier regions win where lists overlap.
 */
const MESH_REGION_INDICES: Record<Exclude<FaceRegion, 'rest'>, readonly number[]> = {
  lips: [
    185, 40, 39, 37, 0, 267, 269, 270, 409, 61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 191, 80, 81, 82, 13, 312, 311, 310, 415, 78, 95, 88,
    178, 87, 14, 317, 402, 318, 324, 308, 76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408, 62, 96, 89, 179,
    86, 15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407,
  ],
  'left eye': [466, 388, 387, 386, 385, 384, 398, 263, 249, 390, 373, 374, 380, 381, 382, 362, 467, 260, 259, 257, 258, 286, 414, 359, 255, 339, 254, 253, 252, 256, 341, 463],
  'right eye': [246, 161, 160, 159, 158, 157, 173, 33, 7, 163, 144, 145, 153, 154, 155, 133, 247, 30, 29, 27, 28, 56, 190, 130, 25, 110, 24, 23, 22, 26, 112, 243],
  'left brow': [383, 300, 293, 334, 296, 336, 285, 417, 265, 353, 276, 283, 282, 295],
  'right brow': [156, 70, 63, 105, 66, 107, 55, 193, 35, 124, 46, 53, 52, 65],
  nose: [168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 98, 97, 326, 327, 294, 278, 344, 440, 275, 45, 220, 115, 48, 64],
  'face oval': [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127,
    162, 21, 54, 103, 67, 109,
  ],
};

/** The region of each of the 468 mesh points. */
const MESH_REGIONS: readonly FaceRegion[] = (() => {
  const regions: FaceRegion[] = Array<FaceRegion>(468).fill('rest');
  for (const name of [...FACE_REGIONS].reverse()) if (name !== 'rest') for (const i of MESH_REGION_INDICES[name]) regions[i] = name;
  return regions;
})();

/** The region of iBUG point `i` (0..67): the jaw line is the face oval. */
function ibugRegion(i: number): FaceRegion {
  if (i <= 16) return 'face oval';
  if (i <= 21) return 'right brow';
  if (i <= 26) return 'left brow';
  if (i <= 35) return 'nose';
  if (i <= 41) return 'right eye';
  if (i <= 47) return 'left eye';
  return 'lips';
}

/** The region of point `i` of a face with `count` points (468 mesh or 68 iBUG; anything else is `rest`). */
export function faceRegion(i: number, count: number): FaceRegion {
  if (count === 68) return ibugRegion(i);
  return MESH_REGIONS[i] ?? 'rest';
}
