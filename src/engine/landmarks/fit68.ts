import * as tf from '@tensorflow/tfjs';
import type { Box } from './types';

/** face-api's FaceLandmark68Net, as much of it as the glue uses. */
export interface LandmarkNet {
  loadFromWeightMap(weights: tf.NamedTensorMap): void;
  detectLandmarks(input: tf.Tensor3D): Promise<{ positions: { x: number; y: number }[] } | unknown>;
  dispose(): void;
}

/** The net's input side; a crop made at this size is not resized again inside face-api. */
const NET_SIZE = 112;
/**
 * The second pass crops a square this many times the first pass's point extent, moved down by TIGHT_SHIFT of
 * its side: face-api's net was trained on detector boxes that include the forehead. Chosen on 100 images of the
 * facial-keypoints training split (NME 0.088 → 0.074 there); the test split played no part.
 */
const TIGHT_SCALE = 1.3;
const TIGHT_SHIFT = 0.1;

/** A square box around `box`'s centre whose side is `scale` × its longer side, moved down by `shift` × that side. */
export function squareBox([x, y, w, h]: Box, scale = 1, shift = 0): Box {
  const side = Math.max(w, h) * scale;
  return [x + w / 2 - side / 2, y + h / 2 - side / 2 + shift * side, side, side];
}

/** The box around the points (first two coordinates). */
export function extent(points: readonly (readonly number[])[]): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}

/** 68 `[x, y]` points from the net on the square crop `box` of `image` (pixels outside the image read as black). */
async function pass(net: LandmarkNet, image: tf.Tensor3D, box: Box): Promise<number[][]> {
  const [h, w] = image.shape;
  const [x, y, side] = box;
  const crop = tf.tidy(() => {
    const batch = tf.expandDims<tf.Tensor4D>(tf.cast(image, 'float32'));
    const norm = [[y / (h - 1), x / (w - 1), (y + side) / (h - 1), (x + side) / (w - 1)]];
    return tf.squeeze<tf.Tensor3D>(tf.image.cropAndResize(batch, norm, [0], [NET_SIZE, NET_SIZE]), [0]);
  });
  try {
    const result = (await net.detectLandmarks(crop)) as { positions: { x: number; y: number }[] };
    return result.positions.map((p) => [x + (p.x * side) / NET_SIZE, y + (p.y * side) / NET_SIZE]);
  } finally {
    crop.dispose();
  }
}

/**
 * face-api's 68 points for the face in `box`: a first pass on the square around the box, then a second on a
 * box tightened from the first pass's points, which matches the crops the net was trained on more closely
 * than any detector's box does. Points in pixels of `image`.
 */
export async function fit68(net: LandmarkNet, image: tf.Tensor3D, box: Box): Promise<number[][]> {
  const first = await pass(net, image, squareBox(box));
  return pass(net, image, squareBox(extent(first), TIGHT_SCALE, TIGHT_SHIFT));
}
