import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, FLOAT16_LOSS_TOLERANCE, type FeaturePrecision, type TrainEvent } from '../train';
import { smallRun, type SharedTask } from './trainData';

/** The first two steps' losses (the second shows the first update was the same too) and whether the cache ran. */
async function firstLosses(task: SharedTask, featureCache: boolean, featurePrecision: FeaturePrecision) {
  const { data, config, close } = await smallRun(task, 'resnet18', 64, { nTrain: 4, nVal: 2 }, { batchSize: 2, epochs: 1, featureCache });
  const model = buildModel(config.model);
  const events: TrainEvent[] = [];
  const losses: number[] = [];
  const run = fit(model, data, config, {
    featurePrecision,
    readEvery: 1,
    onEvent: (e) => events.push(e),
    hooks: [{ name: 'two steps', onBatchEnd: (ctx) => void (losses.push(ctx.logs.trn_loss), losses.length === 2 && ctx.stop()) }],
  });
  const result = await run.done;
  model.dispose();
  await close();
  return { losses, cached: events.some((e) => e.type === 'progress' && e.phase === 'cache'), result };
}

// wasm: the keypoints head's 3.5 M parameters take ~8 s a step on the cpu backend, 0.2 s here.
describe('fit with the feature cache', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  // keypoints: the cut is the trunk's 2×2×512 map (its conv pool trains); classification: the pooled 512 vector.
  it.each(['keypoints', 'classification'] as SharedTask[])('gives the %s losses of uncached training', async (task) => {
    const plain = await firstLosses(task, false, 'float32');
    const exact = await firstLosses(task, true, 'float32');
    const half = await firstLosses(task, true, 'float16');
    expect(plain.cached).toBe(false);
    expect(exact.cached).toBe(true);
    expect(exact.result.state).toBe('stopped');
    expect(plain.losses).toHaveLength(2);
    expect(exact.losses[0]).toBeCloseTo(plain.losses[0], 5);
    expect(exact.losses[1]).toBeCloseTo(plain.losses[1], 5);
    const halfError = Math.abs(half.losses[0] - plain.losses[0]) / plain.losses[0];
    console.log(`${task}: uncached ${plain.losses.join(', ')}; float32 cache ${exact.losses.join(', ')}; float16 cache ${half.losses.join(', ')} (relative ${halfError.toExponential(1)})`);
    expect(halfError).toBeLessThan(FLOAT16_LOSS_TOLERANCE);
  });
});
