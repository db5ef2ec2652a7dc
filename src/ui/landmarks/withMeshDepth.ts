/**
 * 2D points (another model's, in image pixels) placed in 3D on a face mesh: each takes the depth of the mesh
 * point nearest to it in the image plane, so it sits on the face's surface next to the mesh's own points.
 * A mesh without depth (2D points) leaves them flat, z = 0, as the 2D views draw every 68-point set.
 */
export function withMeshDepth(points: readonly (readonly number[])[], mesh: readonly (readonly number[])[]): number[][] {
  if (mesh.length === 0 || mesh[0].length < 3) return points.map(([x, y]) => [x, y, 0]);
  return points.map(([x, y]) => {
    let best = Infinity;
    let z = 0;
    for (const m of mesh) {
      const d = (m[0] - x) ** 2 + (m[1] - y) ** 2;
      if (d < best) [best, z] = [d, m[2]];
    }
    return [x, y, z];
  });
}
