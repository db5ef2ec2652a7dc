import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, TrainingDiverged, type TrainEvent } from '../train';
import { smallRun } from './trainData';

/** The kernel of the model's last layer with weights (the head's output layer). */
const headKernel = async (model: tf.LayersModel) =>
  Array.from((await model.layers.filter((l) => l.weights.length > 0).at(-1)!.getWeights()[0].data()) as Float32Array);

describe('fit divergence', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it('fails within the first epoch at lr 1e3, saying so, without leaking tensors', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 16, nVal: 4 }, { batchSize: 2, epochs: 2, learningRate: 1e3 });
    const model = buildModel(config.model);
    const tensors = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const run = fit(model, data, config, { onEvent: (e) => events.push(e), readEvery: 2 });
    const error = await run.done.then(() => null, (e: unknown) => e);
    const leaked = tf.memory().numTensors - tensors;
    model.dispose();
    await close();

    // BCE saturates at −log(1e-7) ≈ 16.1 here rather than turning NaN: the weights' growth is what shows it.
    expect(error).toBeInstanceOf(TrainingDiverged);
    const { pos, message } = error as TrainingDiverged;
    expect(pos).toBeLessThanOrEqual(1);
    expect(message).toMatch(/^Training diverged at epoch 0\.\d\d: the weights grew .*×.* Try a lower learning rate \(now 1000\)\.$/);
    expect(run.state).toBe('failed');
    expect(events.at(-1)).toEqual({ type: 'state', state: 'failed', message });
    expect(events.some((e) => e.type === 'epoch')).toBe(false);
    expect(leaked).toBe(0);
  });

  it('fails on a NaN loss and leaves the model holding the best epoch\'s weights', async () => {
    // Keypoints (L1, unclipped): BCE's clip turns a NaN probability into a bound, so only L1 shows a NaN loss.
    const { data, config, close } = await smallRun('keypoints', 'resnet18', 32, { nTrain: 8, nVal: 4 }, { batchSize: 2, epochs: 3 });
    const model = buildModel(config.model);
    let epoch1: number[] = [];
    const run = fit(model, data, config, {
      // Epoch 2's first step makes the weights NaN; its second batch's loss, read with it, is NaN.
      readEvery: 2,
      hooks: [
        { name: 'keep', onEpochEnd: async (ctx) => void (ctx.epoch === 1 && (epoch1 = await headKernel(model))) },
        // A NaN learning rate turns every weight NaN at the next step, so the next loss read back is NaN.
        { name: 'nan', onEpochBegin: (ctx) => void (ctx.epoch === 2 && ctx.setLr(NaN)) },
      ],
    });
    const error = (await run.done.then(() => null, (e: unknown) => e)) as TrainingDiverged;
    const final = await headKernel(model);
    model.dispose();
    await close();

    expect(error).toBeInstanceOf(TrainingDiverged);
    expect(error.message).toBe('Training diverged at epoch 1.50: the loss became NaN. Try a lower learning rate (now NaN).');
    expect(run.state).toBe('failed');
    expect(final).toEqual(epoch1);
  });
});
