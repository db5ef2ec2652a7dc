/**
 * The face crop: for face tasks, the model sees a square around a face detector's box instead of the whole frame.
 * face-api's 68-point net (face_dense) was trained on such crops; on whole frames it starts at NME 0.39, on the
 * detector's box at 0.07 before any training. An item is moved into its crop once, before training: its image
 * becomes the crop, its points crop coordinates (NME is unchanged by the move: a translation and one scale), and the
 * original is kept in `item.crop` so predictions go back to pixels of the original image.
 */
import type { DatasetItem, DecodedImage } from './types';

/** `[x, y, width, height]` in pixels of the original (oriented) image. */
export type FaceBox = [number, number, number, number];

/** The square cropped around a detector's box: its side is `scale` × the box's longer side, moved down by `shift` × that side. */
export interface FaceCropSpec {
  scale: number;
  shift: number;
}

/**
 * Around BlazeFace's box (which ends at the brows): scale 1 and 0.1 down give face-api's net its own framing. Chosen
 * on 100 images of facial-keypoints.zip's *train* split, zero-shot (scale 0.85–1.3 × shift 0–0.2: 0.070–0.180).
 */
export const FACE_CROP: FaceCropSpec = { scale: 1, shift: 0.1 };

/** Where an item's crop came from: the square in pixels of the original image, and the original's size and points. */
export interface CropOrigin {
  /** `[x, y, side]`: the crop's top-left corner and side, in pixels of the original image (may reach outside it). */
  square: [number, number, number];
  width: number;
  height: number;
  /** Keypoints: the points as x/width, y/height of the original image. */
  points?: number[];
  /** True when no face was found and the centred square of the whole image was used. */
  noFace?: boolean;
}

/** The crop square for a detector's box. */
export function cropSquare([x, y, w, h]: FaceBox, spec: FaceCropSpec): [number, number, number] {
  const side = Math.max(w, h) * spec.scale;
  return [x + w / 2 - side / 2, y + h / 2 - side / 2 + spec.shift * side, side];
}

/** The square an image with no detected face is cropped to: the whole image, centred, padded on its short side. */
export function wholeImageSquare(width: number, height: number): [number, number, number] {
  const side = Math.max(width, height);
  return [(width - side) / 2, (height - side) / 2, side];
}

/** `item` moved into the crop `square` (pixels of its image): its size becomes the crop's, its points crop coordinates. */
export function cropItem(item: DatasetItem, square: [number, number, number], noFace = false): DatasetItem {
  const [x, y, side] = square;
  const crop: CropOrigin = { square, width: item.width, height: item.height, ...(item.points && { points: item.points }), ...(noFace && { noFace }) };
  const points = item.points?.map((p, j) => (j % 2 === 0 ? (p * item.width - x) / side : (p * item.height - y) / side));
  return { ...item, width: side, height: side, ...(points && { points }), crop };
}

/** The item as the dataset has it: `cropItem` undone. */
export function uncropItem(item: DatasetItem): DatasetItem {
  if (!item.crop) return item;
  const { crop, ...rest } = item;
  return { ...rest, width: crop.width, height: crop.height, ...(crop.points && { points: crop.points }) };
}

/** Points in pixels of the crop → pixels of the original image. */
export function pixelsFromCrop(points: [number, number][], square: [number, number, number]): [number, number][] {
  return points.map(([px, py]) => [px + square[0], py + square[1]]);
}

/** Normalized points of the crop (x0, y0, …, 0..1 of the side) → x/width, y/height of the original image. */
export function normalizedFromCrop(points: ArrayLike<number>, crop: CropOrigin): number[] {
  const [x, y, side] = crop.square;
  return Array.from(points, (p, j) => (j % 2 === 0 ? (x + p * side) / crop.width : (y + p * side) / crop.height));
}

/**
 * The `square` of `image` resampled to `size`² RGB bytes (bilinear, pixel centres aligned as tf.image.resizeBilinear
 * with halfPixelCenters); outside the image reads as black, as face-api's own crops pad.
 */
export function cropResize(image: Pick<DecodedImage, 'data' | 'width' | 'height'>, square: [number, number, number], size: number): Uint8Array {
  const [x0, y0, side] = square;
  const { data, width, height } = image;
  const out = new Uint8Array(size * size * 3);
  const step = side / size;
  const at = (px: number, py: number, c: number) => (px < 0 || py < 0 || px >= width || py >= height ? 0 : data[(py * width + px) * 3 + c]);
  for (let j = 0; j < size; j++) {
    const sy = y0 + (j + 0.5) * step - 0.5;
    const y = Math.floor(sy);
    const fy = sy - y;
    for (let i = 0; i < size; i++) {
      const sx = x0 + (i + 0.5) * step - 0.5;
      const x = Math.floor(sx);
      const fx = sx - x;
      for (let c = 0; c < 3; c++) {
        const top = at(x, y, c) * (1 - fx) + at(x + 1, y, c) * fx;
        const bottom = at(x, y + 1, c) * (1 - fx) + at(x + 1, y + 1, c) * fx;
        out[(j * size + i) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}
