/**
 * The FaceMesh (MediaPipe, 468 points) indices that stand for each of the 68 iBUG / dlib points; where two
 * are listed the point is their mean. Table from Peizhi Yan's mediapipe2dlib
 * (github.com/PeizhiYan/Mediapipe_2_Dlib_Landmarks, mediapipe2dlib/mp2dlib.py, `mp2dlib_correspondence`).
 */
export const MESH_TO_68: readonly (readonly number[])[] = [
  // jaw 0–16
  [127], [234], [93], [132, 58], [58, 172], [136], [150], [176], [152], [400], [379], [365], [397, 288], [361], [323], [454], [356],
  // brows 17–21, 22–26
  [70], [63], [105], [66], [107], [336], [296], [334], [293], [300],
  // nose 27–35
  [168, 6], [197, 195], [5], [4], [75], [97], [2], [326], [305],
  // eyes 36–41, 42–47
  [33], [160], [158], [133], [153], [144], [362], [385], [387], [263], [373], [380],
  // outer lips 48–59, inner lips 60–67
  [61], [39], [37], [0], [267], [269], [291], [321], [314], [17], [84], [91],
  [78], [82], [13], [312], [308], [317], [14], [87],
];

/** The 68-point subset of a 468-point mesh, in the mesh's own coordinates (2 or 3 per point). */
export function meshTo68(mesh: readonly (readonly number[])[]): number[][] {
  if (mesh.length < 468) throw new Error(`meshTo68: expected 468 mesh points, got ${mesh.length}`);
  return MESH_TO_68.map((ids) => mesh[ids[0]].map((_, d) => ids.reduce((s, i) => s + mesh[i][d], 0) / ids.length));
}
