/**
 * Seeded augmentation of a training batch on the backend: one affine transform per image (horizontal flip,
 * small rotation, random resized crop) by `tf.image.transform`, then brightness / contrast / saturation, all as
 * tensor ops; only a few numbers per image are drawn in JS. Keypoints move by the same transform, and a flip swaps
 * the left and right points of the 68-point scheme (`FLIP_68`), so point 36 stays the subject's right eye corner.
 *
 * It works on raw pixels (0..255, before `normalize`): colour jitter is defined on intensities (saturation mixes
 * with the luma of the real colours, and the result is clipped to the valid 0..255), and the fill of pixels
 * brought in by rotation or crop is black whatever the backbone's normalization.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../data';
import { AUGMENT_DEFAULTS, type AugmentOptions } from './augmentOptions';

export { AUGMENT_DEFAULTS, type AugmentOptions };

/**
 * The 68-point (iBUG 300-W) mirror: after a horizontal flip, point i is the original's point `FLIP_68[i]`
 * mirrored. Jaw, brows, nostrils, eyes and lips swap sides; the nose ridge and the mid points stay. An involution.
 */
export const FLIP_68: readonly number[] = (() => {
  const p = Array.from({ length: 68 }, (_, i) => i);
  const swap = (a: number, b: number) => ((p[a] = b), (p[b] = a));
  for (let i = 0; i < 8; i++) swap(i, 16 - i); // jaw
  for (let i = 17; i < 22; i++) swap(i, 43 - i); // brows 17↔26 … 21↔22
  swap(31, 35), swap(32, 34); // nostrils
  swap(36, 45), swap(37, 44), swap(38, 43), swap(39, 42), swap(40, 47), swap(41, 46); // eyes
  swap(48, 54), swap(49, 53), swap(50, 52), swap(55, 59), swap(56, 58); // outer lips
  swap(60, 64), swap(61, 63), swap(65, 67); // inner lips
  return p;
})();

/** A 3×3 affine matrix, row-major. */
type Mat = number[];
const mul = (a: Mat, b: Mat): Mat =>
  Array.from({ length: 9 }, (_, k) => {
    const r = Math.floor(k / 3);
    const c = k % 3;
    return a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  });
/** The inverse of an affine matrix (last row 0 0 1). */
const invert = ([a, b, c, d, e, f]: Mat): Mat => {
  const det = a * e - b * d;
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det, 0, 0, 1];
};

/** One image's draw: where input coordinates (0..1 of the image) land in the output, and the colour factors. */
export interface ImageAugmentation {
  /** Forward affine map in 0..1 image coordinates, row-major 3×3. */
  matrix: Mat;
  flipped: boolean;
  brightness: number;
  contrast: number;
  saturation: number;
}

/** The draws of every image of a batch, from (seed, step) alone. */
export function drawAugmentations(n: number, options: AugmentOptions, seed: number, step: number): ImageAugmentation[] {
  // A field given as undefined takes its default, as if left out.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: Required<AugmentOptions> = { ...AUGMENT_DEFAULTS, ...given };
  const random = mulberry32((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0);
  const k = Math.max(0, o.strength);
  const factor = (amount: number) => 1 + amount * k * (2 * random() - 1);
  // The crop's area range with the part it leaves out scaled by the strength (at least 5% of the image kept).
  const [areaMin, areaMax] = o.scale.map((a) => Math.min(1, Math.max(0.05, 1 - (1 - a) * k)));
  return Array.from({ length: n }, () => {
    const flipped = random() < o.flip;
    const theta = (o.rotate * k * (2 * random() - 1) * Math.PI) / 180;
    const side = Math.sqrt(areaMin + (areaMax - areaMin) * random());
    const ox = (1 - side) * random();
    const oy = (1 - side) * random();
    const flip: Mat = flipped ? [-1, 0, 1, 0, 1, 0, 0, 0, 1] : [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
    // Rotation about the centre (0.5, 0.5).
    const rotate: Mat = [cos, -sin, 0.5 - 0.5 * cos + 0.5 * sin, sin, cos, 0.5 - 0.5 * sin - 0.5 * cos, 0, 0, 1];
    const crop: Mat = [1 / side, 0, -ox / side, 0, 1 / side, -oy / side, 0, 0, 1];
    return {
      matrix: mul(crop, mul(rotate, flip)),
      flipped,
      brightness: factor(o.brightness),
      contrast: factor(o.contrast),
      saturation: factor(o.saturation),
    };
  });
}

/** `points` (x0,y0,x1,y1,… in 0..1) moved by `a`; a flipped 68-point face also swaps sides. May leave 0..1. */
export function movePoints(points: number[], a: ImageAugmentation): number[] {
  const m = a.matrix;
  const k = points.length / 2;
  const from = a.flipped && k === 68 ? FLIP_68 : undefined;
  const out = new Array<number>(points.length);
  for (let i = 0; i < k; i++) {
    const j = from ? from[i] : i;
    const [x, y] = [points[2 * j], points[2 * j + 1]];
    out[2 * i] = m[0] * x + m[1] * y + m[2];
    out[2 * i + 1] = m[3] * x + m[4] * y + m[5];
  }
  return out;
}

export interface Augmented {
  /** [n, s, s, 3] raw pixels, 0..255; the caller disposes it. */
  images: tf.Tensor4D;
  /** Each item's points moved with its image (undefined where it had none). */
  points: (number[] | undefined)[];
  /** Whether each image was mirrored (its 68 points then swapped sides). */
  flipped: boolean[];
}

const LUMA = [0.299, 0.587, 0.114];

/**
 * Augments a batch of raw pixels [n, s, s, 3] (0..255, before `normalize`; see the top of this file) and the
 * items' keypoints. The same (options, seed, step) gives the same output. `pixels` is left alone.
 */
export function augment(
  pixels: tf.Tensor4D,
  points: (number[] | undefined)[],
  options: AugmentOptions,
  seed: number,
  step: number,
): Augmented {
  const [n, h, w] = pixels.shape;
  const draws = drawAugmentations(n, options, seed, step);
  const images = tf.tidy(() => {
    // tf.image.transform maps each output pixel (col, row) to the input pixel it samples: P·A⁻¹·P⁻¹, with P from
    // 0..1 coordinates to pixel centres (x·w − 0.5).
    const toPx: Mat = [w, 0, -0.5, 0, h, -0.5, 0, 0, 1];
    const fromPx: Mat = [1 / w, 0, 0.5 / w, 0, 1 / h, 0.5 / h, 0, 0, 1];
    const rows = draws.map((d) => mul(toPx, mul(invert(d.matrix), fromPx)).slice(0, 8));
    let x = tf.image.transform(pixels.toFloat(), tf.tensor2d(rows, [n, 8]), 'bilinear', 'constant', 0) as tf.Tensor4D;
    const per = (key: 'brightness' | 'contrast' | 'saturation') => tf.tensor4d(draws.map((d) => d[key]), [n, 1, 1, 1]);
    const luma = tf.tensor1d(LUMA);
    const grey = (t: tf.Tensor4D) => t.mul(luma).sum(-1, true) as tf.Tensor4D;
    x = x.mul(per('brightness')) as tf.Tensor4D;
    const mean = grey(x).mean([1, 2, 3], true);
    x = x.sub(mean).mul(per('contrast')).add(mean) as tf.Tensor4D;
    const g = grey(x);
    x = x.sub(g).mul(per('saturation')).add(g) as tf.Tensor4D;
    return x.clipByValue(0, 255) as tf.Tensor4D;
  });
  return { images, points: points.map((p, i) => p && movePoints(p, draws[i])), flipped: draws.map((d) => d.flipped) };
}
