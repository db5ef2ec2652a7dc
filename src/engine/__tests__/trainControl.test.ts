import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, type TrainEvent } from '../train';
import { smallRun } from './trainData';

const HEAD = 'fc.3';
const headKernel = async (model: tf.LayersModel) => Array.from((await model.getLayer(HEAD).getWeights()[0].data()) as Float32Array);

describe('fit control', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it('stops after epoch 2 of 3 holding the best epoch\'s weights', async () => {
    const { data, config, close } = await smallRun('keypoints', 'resnet18', 32, { nTrain: 4, nVal: 4 }, { batchSize: 2, epochs: 3 });
    const model = buildModel(config.model);
    const kernels: number[][] = [];
    const events: TrainEvent[] = [];
    const run = fit(model, data, config, {
      onEvent: (e) => events.push(e),
      hooks: [
        // Epoch 2 at a learning rate that wrecks the head, so epoch 1 stays the best and restoring it shows.
        { name: 'wreck', onEpochBegin: (ctx) => void (ctx.epoch === 2 && ctx.setLr(10)) },
        {
          name: 'stop',
          onEpochEnd: async (ctx) => {
            kernels.push(await headKernel(model));
            if (ctx.epoch === 2) run.stop();
          },
        },
      ],
    });
    const result = await run.done;
    const final = await headKernel(model);
    model.dispose();
    await close();

    expect(result.state).toBe('stopped');
    expect(run.state).toBe('stopped');
    expect(kernels).toHaveLength(2);
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.best)).toEqual([true, false]);
    expect(result.bestEpoch).toBe(1);
    expect(kernels[1]).not.toEqual(kernels[0]);
    expect(final).toEqual(kernels[0]);
    expect(events.at(-1)).toEqual({ type: 'state', state: 'stopped' });
  });

  it('pauses between batches and goes on where it was after resume', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 2 }, { batchSize: 2, epochs: 1 });
    const model = buildModel(config.model);
    const events: TrainEvent[] = [];
    let resumedAfter = 0;
    const run = fit(model, data, config, {
      readEvery: 1,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'state' && e.state === 'paused') {
          setTimeout(() => {
            resumedAfter = events.length;
            run.resume();
          }, 200);
        }
      },
      hooks: [{ name: 'pause', onBatchEnd: (ctx) => void (ctx.batch === 1 && run.pause()) }],
    });
    const result = await run.done;
    model.dispose();
    await close();

    expect(result.state).toBe('done');
    const states = events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    expect(states).toEqual(['running', 'paused', 'running', 'done']);
    // Nothing happened while paused: the event after 'paused' is the one resume caused.
    const pausedAt = events.findIndex((e) => e.type === 'state' && e.state === 'paused');
    expect(resumedAfter).toBe(pausedAt + 1);
    expect(result.report.history('trn_loss')).toHaveLength(4);
  });
});
