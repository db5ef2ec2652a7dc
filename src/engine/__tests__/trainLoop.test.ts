import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, type TrainEvent } from '../train';
import { smallRun } from './trainData';

describe('fit', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => tf.disposeVariables());

  it('holds the same number of tensors at every epoch end and frees all of them after dispose', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 12, nVal: 6 }, { batchSize: 4, epochs: 3 });
    const start = tf.memory().numTensors;
    const model = buildModel(config.model);
    const atEpochEnd: number[] = [];
    const events: TrainEvent[] = [];
    const run = fit(model, data, config, {
      onEvent: (e) => events.push(e),
      readEvery: 2,
      hooks: [{ name: 'count', onEpochEnd: () => void atEpochEnd.push(tf.memory().numTensors) }],
    });
    const result = await run.done;
    model.dispose();
    await close();

    expect(result.state).toBe('done');
    expect(atEpochEnd).toHaveLength(3);
    expect(new Set(atEpochEnd).size).toBe(1);
    expect(tf.memory().numTensors).toBe(start);
    // 3 batches of 4 per epoch, each recorded once, then 2 val batches and the epoch's metrics.
    const records = events.flatMap((e) => (e.type === 'record' ? [e] : []));
    expect(records.filter((r) => 'trn_loss' in r.values).map((r) => r.pos)).toEqual(
      [1, 2, 3].flatMap((e) => [1, 2, 3].map((b) => e - 1 + b / 3)),
    );
    expect(records.filter((r) => 'val_loss' in r.values).map((r) => r.pos)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(result.report.history('val_accuracy')).toHaveLength(3);
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[0].averages).toHaveProperty('trn_loss');
    expect(epochs[0].averages).toHaveProperty('val_loss');
    const samples = events.flatMap((e) => (e.type === 'samples' ? [e] : []));
    expect(samples[0].best).toHaveLength(3);
    expect(samples[0].best[0].error).toBeLessThanOrEqual(samples[0].worst[0].error);
    expect(samples[0].best[0].prediction.task).toBe('classification');
    expect(events.filter((e) => e.type === 'progress' && e.phase === 'cache').length).toBeGreaterThan(0);
    console.log(`cache ${result.cache?.images} images in ${result.cache?.seconds.toFixed(2)} s (${result.cache?.bytes} B); epochs ${result.epochSeconds.map((s) => s.toFixed(2)).join(' ')} s`);
  });
});
