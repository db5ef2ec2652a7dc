/** The outer eye corners of the 68-point (iBUG 300-W) face: their distance normalizes the point error. */
export const OUTER_EYE_CORNERS = [36, 45] as const;

/**
 * Normalized mean error of one face: the mean Euclidean distance between predicted and true points, in pixels
 * of the original image, over the inter-ocular distance (outer eye corners) of the true points.
 * `pred` and `truth` are x0,y0,x1,y1,… in 0..1 of a `width`×`height` image (68 points).
 * NaN when the true eye corners coincide (no scale to normalize by).
 */
export function nme(pred: ArrayLike<number>, truth: ArrayLike<number>, width: number, height: number): number {
  const points = truth.length / 2;
  let sum = 0;
  for (let k = 0; k < points; k++) {
    sum += Math.hypot((pred[2 * k] - truth[2 * k]) * width, (pred[2 * k + 1] - truth[2 * k + 1]) * height);
  }
  const [a, b] = OUTER_EYE_CORNERS;
  const interOcular = Math.hypot((truth[2 * a] - truth[2 * b]) * width, (truth[2 * a + 1] - truth[2 * b + 1]) * height);
  return interOcular > 0 ? sum / points / interOcular : NaN;
}
