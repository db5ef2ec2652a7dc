import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { lrFind } from '../train';
import { smallRun } from './trainData';

const allWeights = async (model: tf.LayersModel) => Promise.all(model.weights.map(async (w) => Array.from((await w.read().data()) as Float32Array)));

/** resnet18 at 32², its trunk frozen (the feature cache path), 16 real cats-dogs images at batch 4. */
describe('lrFind', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it('sweeps 1e-7 → 10 exponentially, suggests a rate inside it, and leaves the weights and tensors as they were', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 16, nVal: 0 }, { batchSize: 4 });
    const model = buildModel(config.model);
    const before = await allWeights(model);
    const tensors = tf.memory().numTensors;
    const result = await lrFind(model, data, config);
    const after = await allWeights(model);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
    await close();

    const { points } = result;
    expect(points.length).toBeGreaterThan(20);
    expect(points.length).toBeLessThanOrEqual(100);
    if (result.ended === 'done') expect(points).toHaveLength(100);
    else expect(result.ended).toBe('diverged');
    expect(points[0].lr).toBeCloseTo(1e-7, 12);
    // Every step multiplies the rate by (1e8)^(1/99).
    const ratio = 1e8 ** (1 / 99);
    points.slice(1).forEach((p, i) => expect(p.lr / points[i].lr).toBeCloseTo(ratio, 6));
    // The first smoothed loss is the first loss itself (debiased).
    expect(points[0].loss).toBeCloseTo(points[0].raw, 5);
    for (const s of [result.suggestion, result.steep, result.valley]) {
      expect(s).toBeGreaterThanOrEqual(1e-7);
      expect(s).toBeLessThanOrEqual(points.at(-1)!.lr);
    }
    // Restored exactly: every weight, the frozen trunk's and the head's.
    after.forEach((w, i) => expect(w).toEqual(before[i]));
  });

  it('stops early once the smoothed loss passes 4× its best', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 0 }, { batchSize: 4, optimizer: 'sgd' });
    const model = buildModel(config.model);
    // From 1 to 1e6 with SGD, the loss blows up within a few steps.
    const result = await lrFind(model, data, config, { start: 1, end: 1e6, steps: 100 });
    model.dispose();
    await close();
    expect(result.ended).toBe('diverged');
    expect(result.points.length).toBeLessThan(100);
    const last = result.points.at(-1)!;
    const best = Math.min(...result.points.map((p) => p.loss));
    expect(!Number.isFinite(last.loss) || last.loss > 4 * best).toBe(true);
  });

  it('ends where it is when cancelled: the points so far, NaN suggestions before a curve, weights and tensors as they were', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 0 }, { batchSize: 4 });
    const model = buildModel(config.model);
    const before = await allWeights(model);
    const tensors = tf.memory().numTensors;
    let cacheEvents = 0;
    let steps = 0;
    // Cancelled after its third step; the feature cache is built first, with progress.
    const three = await lrFind(model, data, config, { onCacheProgress: () => cacheEvents++, onPoint: () => steps++, cancelled: () => steps >= 3 });
    const none = await lrFind(model, data, config, { cancelled: () => true });
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await allWeights(model)).every((w, i) => w.every((v, j) => v === before[i][j]))).toBe(true);
    model.dispose();
    await close();
    expect(cacheEvents).toBeGreaterThan(0);
    expect(three.ended).toBe('cancelled');
    expect(three.points).toHaveLength(3);
    expect(none.ended).toBe('cancelled');
    expect(none.points).toEqual([]);
    expect([none.suggestion, none.steep, none.valley].every(Number.isNaN)).toBe(true);
  });
});
