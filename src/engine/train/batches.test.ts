import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { batchIndices, scanDataset, type Archive, type DatasetIndex } from '../data';
import { backboneSpec } from '../models';
import { ageGender, keypoints } from '../tasks';
import { loadImages, prefetch } from './batches';

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

describe('loadImages', () => {
  it("resizes to the backbone's input and applies its ImageNet normalization; keypoint targets stay in 0..1", async () => {
    const { archive, index } = data['facial-keypoints'];
    const items = index.items.filter((i) => i.split === 'training').slice(0, 4);
    const spec = backboneSpec('resnet18');
    const x = await loadImages(archive, items, { decoder: sharpDecoder, inputSize: 64, preprocessing: spec.preprocessing });
    const targets = keypoints.targets(items, { points: 68 });
    expect(x.shape).toEqual([4, 64, 64, 3]);
    expect(targets.map((t) => t.shape)).toEqual([[4, 136]]);
    // Pixel (0, 0) of the first image, by hand: (v / 255 - mean) / std.
    const raw = await sharpDecoder(await archive.read(items[0].path), { width: 64, height: 64 });
    const expected = [0, 1, 2].map((c) => {
      const p = spec.preprocessing as { mean: number[]; std: number[] };
      return (raw.data[c] / 255 - p.mean[c]) / p.std[c];
    });
    const corner = x.slice([0, 0, 0, 0], [1, 1, 1, 3]);
    const got = Array.from(corner.dataSync());
    corner.dispose();
    got.forEach((v, c) => expect(v).toBeCloseTo(expected[c], 5));
    const t = await targets[0].data();
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...t)).toBeLessThanOrEqual(1);
    expect(t[0]).toBeCloseTo(items[0].points![0], 6);
    tf.dispose([x, ...targets]);
  });

  it('keeps raw pixels for mobilenet_v3; the age-gender task gives age / 80 and gender 0/1', async () => {
    const { archive, index } = data['age-gender'];
    const items = index.items.slice(0, 3);
    const x = await loadImages(archive, items, {
      decoder: sharpDecoder,
      inputSize: 32,
      preprocessing: backboneSpec('mobilenet_v3').preprocessing,
    });
    const targets = ageGender.targets(items, {});
    const [age, gender] = await Promise.all(targets.map((t) => t.data()));
    expect(Array.from(age)).toEqual(items.map((i) => Math.fround(i.age! / 80)));
    expect(Array.from(gender)).toEqual(items.map((i) => i.gender));
    const pixels = await x.data();
    expect(Math.max(...pixels)).toBeGreaterThan(1);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(255);
    tf.dispose([x, ...targets]);
  });
});

describe('prefetch', () => {
  it("yields a seeded epoch plan's full batches only, in order, and leaks no tensor even when stopped early", async () => {
    const { archive, index } = data['cats-dogs'];
    const items = index.items.filter((i) => i.split === 'test').slice(0, 22);
    const images = { decoder: sharpDecoder, inputSize: 32, preprocessing: backboneSpec('face_resnet').preprocessing };
    const load = async (batch: typeof items) => [await loadImages(archive, batch, images)];
    const plan = batchIndices(items.length, 0, { batchSize: 8, seed: 3 });
    const before = tf.memory().numTensors;
    const seen: string[][] = [];
    for await (const batch of prefetch(items, plan, load)) {
      expect(batch.inputs[0].shape).toEqual([8, 32, 32, 3]);
      seen.push(batch.items.map((i) => i.path));
      tf.dispose(batch.inputs);
    }
    expect(seen).toHaveLength(2); // 22 items: the last 6 are dropped
    expect(seen).toEqual(plan.map((b) => b.map((i) => items[i].path)));
    for await (const batch of prefetch(items, batchIndices(items.length, 0, { batchSize: 8, seed: 3 }), load)) {
      expect(batch.items.map((i) => i.path)).toEqual(seen[0]);
      tf.dispose(batch.inputs);
      break; // the batch loaded ahead must be freed too
    }
    await expect.poll(() => tf.memory().numTensors).toBe(before);
  });
});
