/**
 * `showBatch`: fastai's `show_batch`. A train batch as a run's step would see it — the same seeded shuffle
 * (epoch 1) and the same augmentation draws (seed, step) — at thumbnail size, as RGBA pixels with the targets'
 * keypoints drawn on them where the augmentation moved them (coloured by face group). Labels, age and gender
 * are left to the caller's captions (augmentation does not change them).
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices, faceGroup, type Archive, type DatasetItem, type FaceCropSpec, type ImageDecoder } from '../data';
import type { FaceDetector } from '../landmarks';
import { augment, type AugmentOptions } from './augment';
import { loadPixels } from './batches';
import { cropFaces } from './cropFaces';

export interface ShowBatchOptions {
  /** The run's batch size and seed (its shuffle and augmentation draws). */
  batchSize: number;
  seed: number;
  /** `TrainConfig.augment`: absent shows the images as decoded. */
  augment?: AugmentOptions;
  /** Which batch of epoch 1 (its step): 0 is the run's first. */
  step: number;
  /** Side of the square thumbnails, in pixels. */
  side: number;
  /** A model that takes face crops (`ModelConfig.faceCrop`): the batch's items (only those) are cut to them first. */
  faceCrop?: { spec: FaceCropSpec; detector: FaceDetector };
}

/** One image of the batch as shown. */
export interface ShownImage {
  /** The item, its points moved with the image (0..1 of the thumbnail; may leave it). */
  item: DatasetItem;
  /** side × side RGBA, row-major, points drawn in. */
  rgba: Uint8ClampedArray;
  side: number;
  flipped: boolean;
}

/** RGB of each face group's points, and of points of other schemes. */
export const POINT_COLOURS: Record<string, [number, number, number]> = {
  jaw: [255, 200, 0],
  brows: [255, 90, 200],
  nose: [0, 220, 255],
  eyes: [0, 255, 90],
  lips: [255, 60, 60],
  other: [255, 255, 0],
};

/** The colour point `i` of `count` points is drawn in. */
export function pointColour(i: number, count: number): [number, number, number] {
  return POINT_COLOURS[faceGroup(i, count) ?? 'other'];
}

/** Draws each point (0..1) as a 3×3 dot in its group's colour into `rgba` (side × side); points outside are skipped. */
export function drawPoints(rgba: Uint8ClampedArray, side: number, points: number[]): void {
  const count = points.length / 2;
  for (let i = 0; i < count; i++) {
    const [cx, cy] = [Math.floor(points[2 * i] * side), Math.floor(points[2 * i + 1] * side)];
    if (!(cx >= 0 && cx < side && cy >= 0 && cy < side)) continue;
    const [r, g, b] = pointColour(i, count);
    for (let y = Math.max(0, cy - 1); y <= Math.min(side - 1, cy + 1); y++) {
      for (let x = Math.max(0, cx - 1); x <= Math.min(side - 1, cx + 1); x++) {
        const o = (y * side + x) * 4;
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
      }
    }
  }
}

/** Batch `options.step` of epoch 1 over `train`, augmented as the run will, as thumbnails with their points drawn. */
export async function showBatch(archive: Archive, decoder: ImageDecoder, train: DatasetItem[], options: ShowBatchOptions): Promise<ShownImage[]> {
  const { batchSize, seed, side } = options;
  if (train.length === 0) throw new Error('nothing to show: the train split is empty');
  const plan = batchIndices(train.length, 1, { batchSize, seed, shuffle: true, dropLast: train.length > batchSize });
  const step = ((options.step % plan.length) + plan.length) % plan.length;
  const picked = plan[step].map((i) => train[i]);
  const crop = options.faceCrop;
  const items = crop ? (await cropFaces(picked, { archive, decoder, detector: crop.detector, spec: crop.spec })).items : picked;
  const pixels = await loadPixels(archive, items, { decoder, inputSize: side });
  let images: tf.Tensor4D = pixels;
  let points = items.map((item) => item.points);
  let flipped = items.map(() => false);
  if (options.augment) {
    const out = augment(pixels, points, options.augment, seed, step);
    pixels.dispose();
    images = out.images;
    points = out.points;
    flipped = out.flipped;
  }
  const rgb = tf.tidy(() => images.round().clipByValue(0, 255).toInt());
  images.dispose();
  const data = await rgb.data();
  rgb.dispose();
  const n = side * side;
  return items.map((item, k) => {
    const rgba = new Uint8ClampedArray(n * 4);
    for (let p = 0; p < n; p++) {
      rgba.set(data.subarray((k * n + p) * 3, (k * n + p) * 3 + 3), p * 4);
      rgba[p * 4 + 3] = 255;
    }
    const moved = points[k];
    if (moved) drawPoints(rgba, side, moved);
    return { item: moved ? { ...item, points: moved } : item, rgba, side, flipped: flipped[k] };
  });
}
