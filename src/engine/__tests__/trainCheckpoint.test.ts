import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { checkpointBytes, fit, type Checkpoint, type TrainEvent } from '../train';
import { smallRun } from './trainData';

/** The kernel of the model's last Dense layer. */
const headKernel = async (model: tf.LayersModel) =>
  Array.from((await model.layers.filter((l) => l.getClassName() === 'Dense').at(-1)!.getWeights()[0].data()) as Float32Array);

/**
 * A run resumed from a checkpoint must be the run that was never interrupted: same shuffles (seeded per
 * epoch), Dropout masks (seeded per step), Adam moments (saved), so on one backend the same numbers.
 * resnet18 at 32² with a trainable last block (BatchNorm statistics in the checkpoint too), 6 real images.
 */
describe('checkpoints', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it('resuming after epoch 1 of 3 gives the uninterrupted run\'s losses and weights', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 6, nVal: 2 }, { batchSize: 2, epochs: 3 });
    config.model.freezeOps = [{ op: 'unfreeze', path: 'layer4.1' }];
    const before = tf.memory().numTensors;

    const full = buildModel(config.model);
    const checkpoints: Checkpoint[] = [];
    // IndexedDB stores a structured clone: resume from one, as a reload would.
    const first = await fit(full, data, config, { onCheckpoint: (cp) => void checkpoints.push(structuredClone(cp)) }).done;
    const fullKernel = await headKernel(full);
    full.dispose();

    const resumed = buildModel(config.model);
    const events: TrainEvent[] = [];
    const second = await fit(resumed, data, config, { resume: checkpoints[0], onEvent: (e) => events.push(e) }).done;
    const resumedKernel = await headKernel(resumed);
    resumed.dispose();
    await close();

    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(checkpoints[0].weights.some((w) => w.name.startsWith('layer4.1.bn2/'))).toBe(true);
    expect(checkpoints[0].optimizer.length).toBeGreaterThan(1); // Adam: its step count, then two moments per variable
    expect(checkpointBytes(checkpoints[0])).toBeGreaterThan(4 * 2_359_296); // layer4.1 alone holds 2 × 3×3×512×512
    expect(events.find((e) => e.type === 'resume')).toEqual({ type: 'resume', epoch: 1 });
    const records = events.filter((e) => e.type === 'record');
    expect(Math.min(...records.map((e) => (e.type === 'record' ? e.pos : 0)))).toBeGreaterThan(1);

    const trn = first.report.history('trn_loss');
    expect(trn).toHaveLength(9);
    // The resumed Report holds epoch 1 from the checkpoint and epochs 2–3 from the resumed run.
    expect(second.report.history('trn_loss')).toHaveLength(9);
    second.report.history('trn_loss').forEach((v, i) => expect(v).toBeCloseTo(trn[i], 5));
    expect(second.history.map((h) => h.metrics.accuracy)).toEqual(first.history.map((h) => h.metrics.accuracy));
    expect(second.bestEpoch).toBe(first.bestEpoch);
    resumedKernel.forEach((v, i) => expect(v).toBeCloseTo(fullKernel[i], 5));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the best epoch\'s weights across a resume when a later epoch is worse', async () => {
    const { data, config, close } = await smallRun('keypoints', 'resnet18', 32, { nTrain: 4, nVal: 4 }, { batchSize: 2, epochs: 3 });
    const before = tf.memory().numTensors;
    const model = buildModel(config.model);
    const kernels: number[][] = [];
    const checkpoints: Checkpoint[] = [];
    const run = fit(model, data, config, {
      onCheckpoint: (cp) => void checkpoints.push(structuredClone(cp)),
      hooks: [
        // Epoch 2 at a learning rate that wrecks the head, so epoch 1 stays the best.
        { name: 'wreck', onEpochBegin: (ctx) => void (ctx.epoch === 2 && ctx.setLr(10)) },
        { name: 'keep', onEpochEnd: async (ctx) => void (kernels.push(await headKernel(model)), ctx.epoch === 2 && ctx.stop()) },
      ],
    });
    await run.done;
    model.dispose();

    const cp = checkpoints[1];
    expect(cp.epoch).toBe(2);
    expect(cp.best?.epoch).toBe(1);
    expect(cp.best?.weights?.length).toBeGreaterThan(0);
    // Resuming the last epoch's checkpoint of a 2-epoch run trains nothing and ends on the best weights.
    const resumed = buildModel(config.model);
    const result = await fit(resumed, data, { ...config, epochs: 2 }, { resume: cp }).done;
    expect(result.bestEpoch).toBe(1);
    expect(await headKernel(resumed)).toEqual(kernels[0]);
    expect(await headKernel(resumed)).not.toEqual(kernels[1]);
    resumed.dispose();
    await close();
    expect(tf.memory().numTensors).toBe(before);
  });
});
