import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit } from '../train';
import { smallRun } from './trainData';

const weightValues = (model: tf.LayersModel, layer: string) =>
  Promise.all(model.getLayer(layer).getWeights().map((w) => w.data() as Promise<Float32Array>));

describe('fit and frozen BatchNorm', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it.each([true, false])('leaves a frozen BatchNorm alone while its neighbours train (feature cache %s)', async (featureCache) => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 2 }, { batchSize: 4, epochs: 1, featureCache });
    // layer1 trains except bn1, so bn1 runs inside every training step with training: true.
    config.model.freezeOps = [{ op: 'unfreeze', path: 'layer1' }, { op: 'freeze', path: 'layer1.0.bn1' }];
    const model = buildModel(config.model);
    let before: Float32Array[][] = [];
    const run = fit(model, data, config, {
      // After fit's seeding, before the first step.
      hooks: [{ name: 'snapshot', onTrainBegin: async () => void (before = await Promise.all(['layer1.0.bn1', 'layer1.0.bn2', 'fc.4'].map((l) => weightValues(model, l)))) }],
    });
    await run.done;
    const after = await Promise.all(['layer1.0.bn1', 'layer1.0.bn2', 'fc.4'].map((l) => weightValues(model, l)));
    model.dispose();
    await close();

    const [frozenBefore, trainedBnBefore, headBefore] = before;
    const [frozenAfter, trainedBnAfter, headAfter] = after;
    // gamma, beta, moving mean, moving variance of the frozen one: bit for bit.
    frozenAfter.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(frozenBefore[i])));
    const movingMean = 2;
    expect(Array.from(trainedBnAfter[movingMean])).not.toEqual(Array.from(trainedBnBefore[movingMean]));
    expect(Array.from(headAfter[0])).not.toEqual(Array.from(headBefore[0]));
  });
});
