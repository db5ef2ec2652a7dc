import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { scanDataset, type DatasetItem } from '../data';
import { augment, drawAugmentations, FLIP_68, type AugmentOptions } from './augment';
import { loadPixels } from './batches';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;
const NONE: AugmentOptions = { flip: 0, scale: [1, 1], rotate: 0, brightness: 0, contrast: 0, saturation: 0 };
const S = 64;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FLIP_68', () => {
  it('is an involution that swaps the eye corners 36↔45, the jaw ends and keeps the nose ridge', () => {
    expect(FLIP_68).toHaveLength(68);
    FLIP_68.forEach((j, i) => expect(FLIP_68[j]).toBe(i));
    expect([FLIP_68[36], FLIP_68[45], FLIP_68[0], FLIP_68[17], FLIP_68[48], FLIP_68[27], FLIP_68[33]]).toEqual([45, 36, 16, 26, 54, 27, 33]);
  });
});

describe('augment', () => {
  it("flips a real face: its point 36 is the original's 45 mirrored, and the pixels are mirrored", async () => {
    const { archive, close } = await openDataset(`${SHARED}facial-keypoints.zip`);
    const item = (await scanDataset(archive)).items.find((i) => i.split === 'training' && i.points?.length === 136)!;
    const pixels = await loadPixels(archive, [item], { decoder: sharpDecoder, inputSize: S });
    await close();
    const before = tf.memory().numTensors;
    const out = augment(pixels, [item.points], { ...NONE, flip: 1 }, 1, 0);
    const p = out.points[0]!;
    expect(p[72]).toBeCloseTo(1 - item.points![90], 6);
    expect(p[73]).toBeCloseTo(item.points![91], 6);
    const mirrored = tf.reverse(pixels, 2);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(out.images, mirrored))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-3);
    tf.dispose([mirrored, out.images]);
    expect(tf.memory().numTensors).toBe(before);
    pixels.dispose();
  });

  // A bright marker at a point lands, after the transform, on the pixel the moved point names.
  it.each([
    ['a pure crop', { ...NONE, scale: [0.5, 0.5] as [number, number] }],
    ['flip, rotation and crop', { ...NONE, flip: 0.5, rotate: 10, scale: [0.6, 0.9] as [number, number] }],
  ])('moves the pixels and the points alike with %s', (_, options) => {
    for (let step = 0; step < 6; step++) {
      const [col, row] = [36 + step, 24 - step];
      const buffer = tf.buffer([1, S, S, 3], 'float32');
      for (let c = 0; c < 3; c++) buffer.set(255, 0, row, col, c);
      const pixels = buffer.toTensor() as tf.Tensor4D;
      const point = [(col + 0.5) / S, (row + 0.5) / S];
      const out = augment(pixels, [point], options, 7, step);
      const grey = out.images.mean(3).reshape([S * S]);
      const at = grey.argMax().dataSync()[0];
      const [x, y] = [out.points[0]![0] * S - 0.5, out.points[0]![1] * S - 0.5];
      expect(Math.abs((at % S) - x)).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.floor(at / S) - y)).toBeLessThanOrEqual(1);
      tf.dispose([pixels, out.images, grey]);
    }
  });

  it('repeats with the same seed and step, differs with another step, and leaks no tensors', () => {
    const pixels = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 3) as tf.Tensor4D;
    const points = [[0.3, 0.4, 0.6, 0.7], undefined];
    const before = tf.memory().numTensors;
    const a = augment(pixels, points, {}, 42, 5);
    const b = augment(pixels, points, {}, 42, 5);
    const c = augment(pixels, points, {}, 42, 6);
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    expect(a.points).toEqual(b.points);
    expect(a.points[1]).toBeUndefined();
    expect(c.points[0]).not.toEqual(a.points[0]);
    tf.dispose([a.images, b.images, c.images]);
    expect(tf.memory().numTensors).toBe(before);
    pixels.dispose();
  });

  it('leaves age and gender items alone (only points move)', () => {
    const pixels = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    const item: Partial<DatasetItem> = { age: 30, gender: 1 };
    const out = augment(pixels, [item.points], {}, 1, 1);
    expect(out.points).toEqual([undefined]);
    tf.dispose([pixels, out.images]);
  });

  it('scales every amount but the flip by strength: 0 is none, 1 the defaults, 2 twice the rotation', () => {
    const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    for (const d of drawAugmentations(20, { flip: 0, strength: 0 }, 3, 0)) {
      d.matrix.forEach((v, i) => expect(v).toBeCloseTo(identity[i], 12));
      expect([d.brightness, d.contrast, d.saturation]).toEqual([1, 1, 1]);
    }
    expect(drawAugmentations(8, { strength: 1 }, 3, 4)).toEqual(drawAugmentations(8, {}, 3, 4));
    // Unflipped, the matrix is crop·rotation: its angle is the rotation drawn.
    const angles = (strength: number) => drawAugmentations(400, { flip: 0, strength }, 3, 1).map((d) => Math.abs((Math.atan2(d.matrix[3], d.matrix[0]) * 180) / Math.PI));
    expect(Math.max(...angles(1))).toBeLessThanOrEqual(10);
    expect(Math.max(...angles(2))).toBeGreaterThan(10);
    expect(Math.max(...angles(2))).toBeLessThanOrEqual(20);
  });
});
