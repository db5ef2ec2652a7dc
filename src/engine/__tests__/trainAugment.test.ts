import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, type AugmentOptions, type TrainEvent } from '../train';
import { smallRun } from './trainData';

/** One epoch on 4 tiny keypoint faces with augmentation: its train losses, events and the tensors left after. */
async function augmentedRun(augment?: AugmentOptions) {
  const { data, config, close } = await smallRun('keypoints', 'resnet18', 64, { nTrain: 4, nVal: 2 }, { batchSize: 2, epochs: 1, augment });
  const model = buildModel(config.model);
  const before = tf.memory().numTensors;
  const events: TrainEvent[] = [];
  const losses: number[] = [];
  const result = await fit(model, data, config, {
    readEvery: 1,
    onEvent: (e) => events.push(e),
    hooks: [{ name: 'losses', onBatchEnd: (ctx) => void losses.push(ctx.logs.trn_loss) }],
  }).done;
  const left = tf.memory().numTensors - before;
  model.dispose();
  await close();
  return { losses, events, result, left };
}

describe('fit with augment', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it('trains an epoch without the feature cache, records losses, leaks nothing, repeats when seeded and differs from plain', async () => {
    const a = await augmentedRun({});
    const b = await augmentedRun({});
    expect(a.result.state).toBe('done');
    expect(a.losses).toHaveLength(2);
    a.losses.forEach((l) => expect(Number.isFinite(l)).toBe(true));
    expect(a.events.some((e) => e.type === 'progress' && e.phase === 'cache')).toBe(false);
    expect(a.result.history).toHaveLength(1);
    expect(a.left).toBe(0);
    expect(b.losses).toEqual(a.losses);
    const plain = await augmentedRun();
    expect(plain.losses[0]).not.toBeCloseTo(a.losses[0], 4);
  });
});
