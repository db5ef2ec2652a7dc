import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../data';
import { buildModel, summarize } from '../models';
import { bce, categoricalCrossEntropy, LOSSES } from '../train/losses';
import { fitStep } from '../train/step';
import { classification } from './classification';

const item = (label: number, i = 0): DatasetItem => ({ path: `x/${i}.jpg`, split: 'val', width: 10, height: 10, label });
const three = { classes: ['cat', 'dog', 'fox'] };
const two = { classes: ['cat', 'dog'] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classification', () => {
  it('uses the binary head and BCE for two classes, multiclass and categorical CE for more', () => {
    expect([classification.preset(two), classification.outputs(two), classification.losses(two)]).toEqual(['binary', ['prob'], [{ loss: 'bce' }]]);
    expect([classification.preset(three), classification.outputs(three), classification.losses(three)]).toEqual([
      'multiclass',
      ['probs'],
      [{ loss: 'categoricalCrossEntropy' }],
    ]);
    expect(() => classification.preset({})).toThrow(/class names/);
  });

  it('builds a confusion matrix [true][pred], accuracy and per-class accuracy over several batches', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2];
    const picked = [0, 1, 1, 1, 2, 0, 2];
    // Probabilities whose largest entry is the picked class, with the rest spread unevenly.
    const rows = picked.map((p) => [0, 1, 2].map((c) => (c === p ? 0.6 : c < p ? 0.3 : 0.1)));
    const acc = classification.metrics(three);
    acc.add([Float32Array.from(rows.slice(0, 4).flat())], truth.slice(0, 4).map(item));
    acc.add([Float32Array.from(rows.slice(4).flat())], truth.slice(4).map(item));
    const expected = [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ];
    const result = acc.result();
    expect(result.confusion).toEqual(expected);
    expect(result.n).toBe(7);
    expect(result.metrics.accuracy).toBeCloseTo(5 / 7, 12);
    expect(result.perClassAccuracy).toEqual({ cat: 1 / 2, dog: 1, fox: 2 / 3 });
  });

  it('reads the binary sigmoid as p(second class), 0.5 going to the first as the book thresholds', () => {
    const acc = classification.metrics(two);
    acc.add([Float32Array.of(0.8, 0.3, 0.5, 0.1)], [1, 1, 1, 0].map(item));
    const { confusion, metrics, perClassAccuracy } = acc.result();
    expect(confusion).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(metrics.accuracy).toBe(0.5);
    expect(perClassAccuracy).toEqual({ cat: 1, dog: 1 / 3 });
  });

  it('leaves a class without items out of the per-class accuracy', () => {
    const acc = classification.metrics(three);
    acc.add([Float32Array.of(0.1, 0.8, 0.1)], [item(1)]);
    expect(acc.result().perClassAccuracy).toEqual({ dog: 1 });
  });

  it('encodes targets as [n,1] 0/1 for two classes and one-hot [n,C] for more', () => {
    const items = [2, 0, 1].map(item);
    const [multi] = classification.targets(items, three);
    expect(multi.shape).toEqual([3, 3]);
    expect(multi.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const [binary] = classification.targets([1, 0].map(item), two);
    expect(binary.arraySync()).toEqual([[1], [0]]);
    tf.dispose([multi, binary]);
  });

  it('decodes outputs to class probabilities and the likeliest label', () => {
    expect(classification.decode([[0.75]], { width: 1, height: 1 }, two)).toEqual({
      task: 'classification',
      classes: ['cat', 'dog'],
      probs: [0.25, 0.75],
      label: 1,
    });
    expect(classification.decode([[0.2, 0.1, 0.7]], { width: 1, height: 1 }, three)).toMatchObject({ label: 2, probs: [0.2, 0.1, 0.7] });
  });

  it('scores an item by 1 − p(true class)', () => {
    expect(classification.itemError([[0.2, 0.1, 0.7]], item(0), three)).toBeCloseTo(0.8, 12);
    expect(classification.itemError([[0.9]], item(0), two)).toBeCloseTo(0.9, 12);
    expect(classification.itemError([[0.9]], item(1), two)).toBeCloseTo(0.1, 12);
  });
});

describe('categoricalCrossEntropy', () => {
  it('is the mean over rows of −log p(true class) on the cpu backend', async () => {
    const y = tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const p = tf.tensor2d([
      [0.2, 0.7, 0.1],
      [0.5, 0.25, 0.25],
    ]);
    const loss = categoricalCrossEntropy(y, p);
    expect(await loss.data()).toHaveLength(1);
    expect(loss.dataSync()[0]).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5)) / 2, 5);
    const clipped = categoricalCrossEntropy(y, tf.tensor2d([[1, 0, 0], [1, 0, 0]]));
    expect(clipped.dataSync()[0]).toBeCloseTo(-Math.log(1e-7) / 2, 2);
    tf.dispose([y, p, loss, clipped]);
  });

  it('matches BCE on hand values', () => {
    const y = tf.tensor2d([[1], [0]]);
    const p = tf.tensor2d([[0.8], [0.3]]);
    const loss = bce(y, p);
    expect(loss.dataSync()[0]).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 5);
    tf.dispose([y, p, loss]);
  });
});

describe('fitStep with the classification losses', () => {
  /** A seeded one-layer model, so one SGD step on a fixed batch must lower its loss. */
  function tinyModel(units: number, activation: 'sigmoid' | 'softmax'): tf.LayersModel {
    const input = tf.input({ shape: [4] });
    const output = tf.layers
      .dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
      .apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  }

  it.each([
    ['two classes', two, 1, 'sigmoid', [[1], [0], [1], [0]]],
    ['three classes', three, 3, 'softmax', [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]],
  ] as const)('%s: one step lowers the task loss on a fixed batch', (_, ctx, units, activation, targets) => {
    const losses = classification.losses(ctx);
    const model = tinyModel(units, activation);
    const x = tf.tensor2d([
      [1, 0, 0.5, -1],
      [0, 1, -0.5, 1],
      [1, 1, 0, 0],
      [-1, 0.5, 1, 0],
    ]);
    const y = tf.tensor2d(targets.map((r) => [...r]));
    const lossNow = () => tf.tidy(() => LOSSES[losses[0].loss](y, model.predict(x) as tf.Tensor).dataSync()[0]);
    const optimizer = tf.train.sgd(0.5);
    const before = lossNow();
    const tensors = tf.memory().numTensors;
    const row = fitStep(model, optimizer, [x], [y], losses);
    // The step reports the loss of the weights it started from.
    expect(row.dataSync()[0]).toBeCloseTo(before, 5);
    row.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(lossNow()).toBeLessThan(before - 1e-3);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('multiclass preset', () => {
  it('builds the binary head with one softmax unit per class', () => {
    const model = buildModel({ backbone: 'resnet18', preset: 'multiclass', numClasses: 3, inputSize: 32, weights: 'random' });
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 3]]);
    expect(summarize(model).trainable).toBe(512 * 128 + 128 + 128 * 3 + 3);
    const x = tf.randomNormal([2, 32, 32, 3]);
    const probs = model.predict(x) as tf.Tensor;
    const sums = probs.sum(1).arraySync() as number[];
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose([x, probs]);
    model.dispose();
  });

  it('says plainly that it needs numClasses, before making any weights', () => {
    const tensors = tf.memory().numTensors;
    expect(() => buildModel({ backbone: 'resnet18', preset: 'multiclass', inputSize: 32 })).toThrow(/numClasses/);
    expect(() => buildModel({ backbone: 'resnet18', preset: 'multiclass', numClasses: 1, inputSize: 32 })).toThrow(/numClasses/);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
