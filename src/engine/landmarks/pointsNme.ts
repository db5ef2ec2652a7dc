import { nme } from '../tasks';

/**
 * The task's NME (mean point error over the outer-eye distance of `truth`) for two sets of 68 points given in
 * pixels of a `width`×`height` image, as the landmark views and tests hold them. NaN when it has no scale.
 */
export function pointsNme(predicted: readonly (readonly number[])[], truth: readonly (readonly number[])[], width: number, height: number): number {
  if (predicted.length !== 68 || truth.length !== 68) throw new Error(`pointsNme: expected 68 points, got ${predicted.length} and ${truth.length}`);
  const flat = (points: readonly (readonly number[])[]) => points.flatMap((p) => [p[0] / width, p[1] / height]);
  return nme(flat(predicted), flat(truth), width, height);
}
