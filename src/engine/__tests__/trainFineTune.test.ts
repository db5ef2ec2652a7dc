import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit, GroupOptimizer, type Checkpoint, lrGroups, scheduledLr, unfreezeForFineTune, type TrainEvent } from '../train';
import { trainableVariables } from '../train/step';
import { smallRun } from './trainData';

const values = async (model: tf.LayersModel, layer: string) =>
  Promise.all(model.getLayer(layer).getWeights().map(async (w) => Array.from((await w.data()) as Float32Array)));
const maxDiff = (a: number[][], b: number[][]) => a.reduce((m, w, i) => w.reduce((mm, v, j) => Math.max(mm, Math.abs(v - b[i][j])), m), 0);

/** resnet18 at 32² from random init, 8 real cats-dogs images, batch 2: 4 steps an epoch, seconds a run. */
describe('schedules and fine_tune in fit', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  it("records each batch's lr, as one-cycle sets it, and carries it on the record events", async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 2 }, { batchSize: 2, epochs: 2, schedule: 'one-cycle' });
    const model = buildModel(config.model);
    const events: TrainEvent[] = [];
    const { report } = await fit(model, data, config, { onEvent: (e) => events.push(e) }).done;
    const batchRecords = events.flatMap((e) => (e.type === 'record' && 'trn_loss' in e.values ? [e] : []));
    expect(batchRecords.map((e) => ({ pos: e.pos, value: e.values.lr }))).toEqual(report.records('lr'));
    expect(batchRecords[0].line).toMatch(/ lr: \d(\.\d+)?e-\d+ /);
    model.dispose();
    await close();
    const lrs = report.records('lr');
    expect(lrs.map((p) => p.pos)).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    lrs.forEach((p, step) => expect(p.value).toBeCloseTo(scheduledLr('one-cycle', config.learningRate, step, 8), 10));
    expect(lrs[0].value).toBeCloseTo(config.learningRate / 25, 10);
    expect(lrs[2].value).toBeCloseTo(config.learningRate, 10);
  });

  it('fine_tune trains the trunk in phase 2, keeps frozen BatchNorm statistics, marks the boundary', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 2 }, {
      batchSize: 2,
      epochs: 2,
      fineTune: { freezeEpochs: 1, unfreezeFrom: 'layer4' },
    });
    const before = tf.memory().numTensors;
    const model = buildModel(config.model);
    let conv0: number[][] = [], bn0: number[][] = [], early0: number[][] = [];
    const events: TrainEvent[] = [];
    // Read once the run has seeded its random-init weights.
    const start = {
      name: 'start',
      onTrainBegin: async () => void ([conv0, bn0, early0] = await Promise.all(['layer4.1.conv2', 'layer4.1.bn2', 'layer3.1.conv2'].map((l) => values(model, l)))),
    };
    const result = await fit(model, data, config, { onEvent: (e) => events.push(e), hooks: [start] }).done;
    const conv1 = await values(model, 'layer4.1.conv2');
    const bn1 = await values(model, 'layer4.1.bn2');
    const early1 = await values(model, 'layer3.1.conv2');
    model.dispose();
    await close();

    expect(result.report.records('phase')).toEqual([{ pos: 1, value: 2 }]);
    expect(events.some((e) => e.type === 'notice' && e.message.includes('phase 2'))).toBe(true);
    // The model ends on the best epoch's weights: phase 2's when epoch 2 was the best, else phase 1's untouched trunk.
    if (result.bestEpoch === 2) expect(maxDiff(conv0, conv1)).toBeGreaterThan(0);
    else expect(maxDiff(conv0, conv1)).toBe(0);
    expect(maxDiff(bn0, bn1)).toBe(0); // frozen BatchNorm: γ, β and running statistics untouched
    expect(maxDiff(early0, early1)).toBe(0); // before layer4: still frozen
    expect(tf.memory().numTensors).toBe(before);
  });

  it('phase 2 changes the trunk and, with trainBn, its BatchNorm statistics', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 8, nVal: 2 }, {
      batchSize: 2,
      epochs: 1,
      fineTune: { freezeEpochs: 0, unfreezeFrom: 'layer4', trainBn: true },
    });
    const model = buildModel(config.model);
    let conv0: number[][] = [], bn0: number[][] = [];
    const start = { name: 'start', onTrainBegin: async () => void ([conv0, bn0] = await Promise.all([values(model, 'layer4.1.conv2'), values(model, 'layer3.1.bn2')])) };
    await fit(model, data, config, { hooks: [start] }).done;
    const conv1 = await values(model, 'layer4.1.conv2');
    const bn1 = await values(model, 'layer3.1.bn2');
    model.dispose();
    await close();
    expect(maxDiff(conv0, conv1)).toBeGreaterThan(0);
    expect(maxDiff(bn0, bn1)).toBeGreaterThan(0); // trainBn: every trunk BatchNorm trains, layer3's too
  });

  it('one SGD step moves each learning-rate group at its own rate (slice(lr/100, lr))', async () => {
    const { config } = await smallRun('classification', 'resnet18', 32, { nTrain: 2, nVal: 0 });
    const model = buildModel({ ...config.model, freezeOps: [] });
    unfreezeForFineTune(model, { freezeEpochs: 1 });
    const groups = lrGroups(model, 100);
    expect(groups.map((g) => g.name)).toEqual(['conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'head']);
    expect(groups[0].multiplier).toBeCloseTo(0.01, 12);
    expect(groups.at(-1)!.multiplier).toBe(1);
    expect(groups[2].multiplier).toBeCloseTo(0.01 ** (3 / 5), 12);

    const lr = 0.1;
    const optimizer = new GroupOptimizer(groups, groups.map((g) => tf.train.sgd(lr * g.multiplier)), (o, r) => (o as tf.SGDOptimizer).setLearningRate(r));
    const vars = trainableVariables(model);
    const byName = new Map(vars.map((v) => [v.name, v]));
    const first = byName.get(groups[0].variables[0])!;
    const head = byName.get(groups.at(-1)!.variables[0])!;
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1);
    const y = tf.tensor2d([[0], [1]]);
    // Inference mode: the head's Dropout would make the two passes differ. The gradients, once, to compare each group's move with lr·multiplier·gradient.
    const { grads, value } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, [first, head]);
    const [g0, gh] = await Promise.all([grads[first.name].data(), grads[head.name].data()]);
    const [w0, wh] = await Promise.all([first.data(), head.data()]);
    optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, false, vars);
    const [v0, vh] = await Promise.all([first.data(), head.data()]);
    const ratio = (w: ArrayLike<number>, v: ArrayLike<number>, g: ArrayLike<number>) => {
      // The largest gradient: its move is well above float32's resolution of the weight.
      let i = 0;
      for (let j = 1; j < g.length; j++) if (Math.abs(g[j]) > Math.abs(g[i])) i = j;
      return (w[i] - v[i]) / g[i];
    };
    expect(ratio(w0, v0, g0)).toBeCloseTo(lr / 100, 5);
    expect(ratio(wh, vh, gh)).toBeCloseTo(lr, 4);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    optimizer.dispose();
    model.dispose();
  });

  it('resumes across the fine_tune boundary and inside phase 2 as if never interrupted (per-group Adam state kept)', async () => {
    const { data, config, close } = await smallRun('classification', 'resnet18', 32, { nTrain: 6, nVal: 2 }, {
      batchSize: 2,
      epochs: 3,
      schedule: 'one-cycle',
      fineTune: { freezeEpochs: 1, unfreezeFrom: 'layer4.1' },
    });
    const before = tf.memory().numTensors;
    const full = buildModel(config.model);
    const checkpoints: Checkpoint[] = [];
    const first = await fit(full, data, config, { onCheckpoint: (cp) => void checkpoints.push(structuredClone(cp)) }).done;
    const fullConv = await values(full, 'layer4.1.conv2');
    full.dispose();
    expect(checkpoints[1].optimizer.some((t) => t.name.startsWith('1:'))).toBe(true); // one Adam per group
    for (const cp of checkpoints.slice(0, 2)) {
      const resumed = buildModel(config.model);
      const second = await fit(resumed, data, config, { resume: cp }).done;
      const conv = await values(resumed, 'layer4.1.conv2');
      resumed.dispose();
      const trn = first.report.history('trn_loss');
      second.report.history('trn_loss').forEach((v, i) => expect(v).toBeCloseTo(trn[i], 5));
      expect(second.report.history('lr')).toEqual(first.report.history('lr'));
      expect(second.report.records('phase')).toEqual([{ pos: 1, value: 2 }]);
      expect(second.bestEpoch).toBe(first.bestEpoch);
      expect(maxDiff(conv, fullConv)).toBeLessThan(1e-5);
    }
    await close();
    expect(tf.memory().numTensors).toBe(before);
  });
});
