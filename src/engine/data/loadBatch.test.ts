import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/openDataset';
import { sharpDecoder } from '../../cli/sharpDecoder';
import { backboneSpec } from '../models';
import type { Archive } from './archive';
import { epochBatches, loadBatch, disposeBatch } from './loadBatch';
import { scanDataset } from './scanDataset';
import type { DatasetIndex } from './types';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;

/** A few real images of each shared zip (scanned without decoding; the scan tests decode them all). */
const data: Record<string, { archive: Archive; index: DatasetIndex }> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const zip of ['facial-keypoints', 'age-gender', 'cats-dogs']) {
    const { archive } = await openDataset(`${SHARED}${zip}.zip`);
    data[zip] = { archive, index: await scanDataset(archive) };
  }
});

describe('loadBatch', () => {
  it("resizes to the backbone's input and applies its ImageNet normalization; keypoints stay in 0..1", async () => {
    const { archive, index } = data['facial-keypoints'];
    const items = index.items.filter((i) => i.split === 'training').slice(0, 4);
    const spec = backboneSpec('resnet18');
    const batch = await loadBatch(archive, items, {
      decoder: sharpDecoder,
      size: 64,
      preprocessing: spec.preprocessing,
      task: 'keypoints',
    });
    expect(batch.x.shape).toEqual([4, 64, 64, 3]);
    expect(batch.targets.map((t) => t.shape)).toEqual([[4, 136]]);
    // Pixel (0, 0) of the first image, by hand: (v / 255 - mean) / std.
    const raw = await sharpDecoder(await archive.read(items[0].path), { width: 64, height: 64 });
    const expected = [0, 1, 2].map((c) => {
      const p = spec.preprocessing as { mean: number[]; std: number[] };
      return (raw.data[c] / 255 - p.mean[c]) / p.std[c];
    });
    const corner = batch.x.slice([0, 0, 0, 0], [1, 1, 1, 3]);
    const got = Array.from(corner.dataSync());
    corner.dispose();
    got.forEach((v, c) => expect(v).toBeCloseTo(expected[c], 5));
    const t = await batch.targets[0].data();
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t)).toBeLessThanOrEqual(1);
    expect(t[0]).toBeCloseTo(items[0].points![0], 6);
    disposeBatch(batch);
  });

  it('gives age / 80 and gender 0/1 for age-gender, raw pixels for mobilenet_v3', async () => {
    const { archive, index } = data['age-gender'];
    const items = index.items.slice(0, 3);
    const batch = await loadBatch(archive, items, {
      decoder: sharpDecoder,
      size: 32,
      preprocessing: backboneSpec('mobilenet_v3').preprocessing,
      task: 'age-gender',
    });
    const [age, gender] = await Promise.all(batch.targets.map((t) => t.data()));
    expect(Array.from(age)).toEqual(items.map((i) => Math.fround(i.age! / 80)));
    expect(Array.from(gender)).toEqual(items.map((i) => i.gender));
    const x = await batch.x.data();
    expect(Math.max(...x)).toBeGreaterThan(1);
    expect(Math.max(...x)).toBeLessThanOrEqual(255);
    disposeBatch(batch);
  });
});

describe('epochBatches', () => {
  it('yields full batches only, in a seeded order, and leaks no tensor even when stopped early', async () => {
    const { archive, index } = data['cats-dogs'];
    const items = index.items.filter((i) => i.split === 'test').slice(0, 22);
    const options = {
      decoder: sharpDecoder,
      size: 32,
      preprocessing: backboneSpec('face_resnet').preprocessing,
      task: 'binary' as const,
      batch: { batchSize: 8, seed: 3 },
    };
    const before = tf.memory().numTensors;
    const seen: string[][] = [];
    for await (const batch of epochBatches(archive, items, 0, options)) {
      expect(batch.x.shape).toEqual([8, 32, 32, 3]);
      expect(batch.targets[0].shape).toEqual([8, 1]);
      seen.push(batch.items.map((i) => i.path));
      disposeBatch(batch);
    }
    expect(seen).toHaveLength(2); // 22 items: the last 6 are dropped
    for await (const batch of epochBatches(archive, items, 0, options)) {
      expect(batch.items.map((i) => i.path)).toEqual(seen[0]);
      disposeBatch(batch);
      break; // the batch decoded ahead must be freed too
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.memory().numTensors).toBe(before);
  });
});
