import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { nme } from '../tasks';
import { cropItem, cropResize, cropSquare, normalizedFromCrop, pixelsFromCrop, uncropItem, wholeImageSquare } from './faceCrop';
import type { DatasetItem } from './types';

const item: DatasetItem = { path: 'a.jpg', split: 'train', width: 200, height: 100, points: [0.5, 0.5, 0.25, 0.8, 0.75, 0.2] };

describe('face crop', () => {
  beforeAll(() => useBackend('cpu'));

  it("cuts a square of scale × the box's longer side, moved down by shift × that side", () => {
    expect(cropSquare([10, 20, 40, 60], { scale: 1, shift: 0 })).toEqual([0, 20, 60]);
    expect(cropSquare([10, 20, 40, 60], { scale: 1.5, shift: 0.1 })).toEqual([-15, 5 + 9, 90]);
    expect(wholeImageSquare(200, 100)).toEqual([0, -50, 200]);
  });

  it('moves an item into its crop and back: points in crop coordinates, the original kept', () => {
    const cropped = cropItem(item, [50, 0, 100]);
    expect(cropped).toMatchObject({ width: 100, height: 100, crop: { square: [50, 0, 100], width: 200, height: 100 } });
    // (0.5·200 − 50)/100, (0.5·100 − 0)/100 …
    expect(cropped.points).toEqual([0.5, 0.5, 0, 0.8, 1, 0.2]);
    expect(uncropItem(cropped)).toEqual(item);
    expect(normalizedFromCrop(cropped.points!, cropped.crop!)).toEqual(item.points);
    expect(pixelsFromCrop([[10, 20]], [50, -5, 100])).toEqual([[60, 15]]);
  });

  it('leaves NME as it is: the same error measured in the crop and in the original image', () => {
    const truth = { ...item, points: Array.from({ length: 136 }, (_, j) => 0.3 + 0.4 * ((j * 37) % 17) / 17) };
    const cropped = cropItem(truth, [40, -20, 130]);
    const off = cropped.points!.map((p, j) => p + (j % 3 === 0 ? 0.02 : -0.01));
    const inCrop = nme(off, cropped.points!, cropped.width, cropped.height);
    const inOriginal = nme(normalizedFromCrop(off, cropped.crop!), truth.points, truth.width, truth.height);
    expect(inCrop).toBeGreaterThan(0);
    expect(inOriginal).toBeCloseTo(inCrop, 10);
  });

  it('resamples the square as tfjs resizeBilinear (half-pixel centres) does, black outside the image', () => {
    const w = 24;
    const data = Uint8Array.from({ length: w * w * 3 }, (_, i) => (i * 29) % 251);
    const ours = cropResize({ data, width: w, height: w }, [0, 0, w], 10);
    const theirs = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor3d(data, [w, w, 3], 'float32'), [10, 10], false, true).round().dataSync(),
    );
    const diff = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0);
    expect(diff).toBeLessThanOrEqual(1);
    // The square's left half lies outside the image: black there, the image's own first column further right.
    const shifted = cropResize({ data, width: w, height: w }, [-w, 0, 2 * w], 8);
    expect(shifted[(3 * 8 + 1) * 3]).toBe(0);
    expect(shifted[(3 * 8 + 6) * 3]).toBeGreaterThan(0);
  });
});
