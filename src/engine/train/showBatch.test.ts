import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { scanDataset, splitDataset, type Archive, type DatasetItem } from '../data';
import type { AugmentOptions } from './augment';
import { POINT_COLOURS, showBatch } from './showBatch';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;
/** A mirror and nothing else, so each point's place is known exactly. */
const FLIP_ONLY: AugmentOptions = { flip: 1, scale: [1, 1], rotate: 0, brightness: 0, contrast: 0, saturation: 0 };
const SIDE = 64;

let archive: Archive;
let close: () => Promise<void>;
let train: DatasetItem[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ archive, close } = await openDataset(`${SHARED}facial-keypoints.zip`));
  train = splitDataset(await scanDataset(archive)).train;
});
afterAll(() => close());

const pixel = (rgba: Uint8ClampedArray, x: number, y: number) => {
  const o = (Math.floor(y * SIDE) * SIDE + Math.floor(x * SIDE)) * 4;
  return Array.from(rgba.subarray(o, o + 3));
};

describe('showBatch', () => {
  it("draws each face's points where the flip moved them: point 36 is the original's 45 mirrored, in the eyes' colour", async () => {
    const before = tf.memory().numTensors;
    const shown = await showBatch(archive, sharpDecoder, train, { batchSize: 4, seed: 42, step: 0, side: SIDE, augment: FLIP_ONLY });
    expect(tf.memory().numTensors).toBe(before);
    expect(shown).toHaveLength(4);
    for (const { item, rgba, side, flipped } of shown) {
      const original = train.find((t) => t.path === item.path)!;
      expect(side).toBe(SIDE);
      expect(rgba).toHaveLength(SIDE * SIDE * 4);
      expect(flipped).toBe(true);
      const p = item.points!;
      expect(p[72]).toBeCloseTo(1 - original.points![90], 6);
      expect(p[73]).toBeCloseTo(original.points![91], 6);
      // Drawn in place: the pixels under the moved eye corners are the eyes' colour, the image stays opaque.
      expect(pixel(rgba, p[72], p[73])).toEqual(POINT_COLOURS.eyes);
      expect(pixel(rgba, p[90], p[91])).toEqual(POINT_COLOURS.eyes);
      expect(rgba[3]).toBe(255);
    }
  });

  it("shows the run's batches: the same step repeats, the next step is the next batch of the shuffle", async () => {
    const options = { batchSize: 4, seed: 42, side: 32, augment: {} };
    const a = await showBatch(archive, sharpDecoder, train, { ...options, step: 0 });
    const b = await showBatch(archive, sharpDecoder, train, { ...options, step: 0 });
    const c = await showBatch(archive, sharpDecoder, train, { ...options, step: 1 });
    expect(a.map((s) => s.rgba)).toEqual(b.map((s) => s.rgba));
    const paths = new Set(a.map((s) => s.item.path));
    expect(c.some((s) => !paths.has(s.item.path))).toBe(true);
  });

  it('shows the images as decoded when the run does not augment', async () => {
    const [first] = await showBatch(archive, sharpDecoder, train, { batchSize: 2, seed: 1, step: 0, side: SIDE });
    const original = train.find((t) => t.path === first.item.path)!;
    expect(first.flipped).toBe(false);
    expect(first.item.points).toEqual(original.points);
  });
});
