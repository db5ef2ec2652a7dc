import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { destroyDevice, restartBackend, type BackendChoice } from '../backend';
import { buildModel } from '../models';
import { fitRecovering, type TrainEvent } from '../train';
import { smallRun } from './trainData';

const device = () => (tf.backend() as unknown as { device: object }).device;

/**
 * WebGPU through Dawn in Node (SwiftShader): the device is destroyed in the middle of epoch 2 of 3, as a
 * driver reset would; the run restarts the backend on a new device, rebuilds the model and goes on after
 * epoch 1. resnet18 at 32² on 4 real images (software WebGPU is slow).
 */
describe('training through a lost GPU device', () => {
  beforeAll(() => useBackend('webgpu'));
  afterAll(async () => {
    tf.disposeVariables();
    await useBackend('cpu');
  });

  it('restarts the backend, resumes after the last finished epoch and finishes', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 4, nVal: 2 }, { batchSize: 2, epochs: 3 });
    const lostDevice = device();
    const events: TrainEvent[] = [];
    const restarts: BackendChoice[] = [];
    let destroyed = false;
    const first = buildModel(config.model);
    const run = fitRecovering(
      first,
      data,
      config,
      {
        readEvery: 1,
        onEvent: (e) => events.push(e),
        hooks: [{ name: 'lose the device', onBatchBegin: (ctx) => void (ctx.epoch === 2 && ctx.batch === 1 && !destroyed && (destroyed = destroyDevice())) }],
      },
      {
        restart: () => restartBackend({}),
        rebuild: async () => {
          first.dispose();
          return buildModel(config.model);
        },
        onRestart: (choice) => restarts.push(choice),
      },
    );
    const result = await run.done;
    run.model.dispose();
    await close();

    expect(destroyed).toBe(true);
    expect(restarts.map((c) => c.backend)).toEqual(['webgpu']);
    expect(device()).not.toBe(lostDevice);
    expect(result.state).toBe('done');
    expect(events).toContainEqual({ type: 'state', state: 'paused', message: expect.stringMatching(/^The GPU device was lost \(.+\): restarting/) });
    expect(events).toContainEqual({ type: 'resume', epoch: 1 });
    expect(events).toContainEqual({
      type: 'notice',
      message: expect.stringMatching(/Restarted on webgpu, going on after epoch 1\.$/),
      backend: expect.objectContaining({ backend: 'webgpu' }),
    });
    // The Report the run ends with: epoch 1 from the checkpoint, 2 and 3 trained again on the new device.
    const positions = result.report.records('trn_loss').map((r) => r.pos);
    expect(positions).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(result.report.history('trn_loss').every(Number.isFinite)).toBe(true);
    expect(result.history).toHaveLength(3);
    expect(result.history.every((h) => Number.isFinite(h.metrics.accuracy))).toBe(true);
  }, 300_000);
});
