import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../data';
import { fitStep } from '../train/step';
import { ageGender } from './ageGender';

const person = (age: number, gender: 0 | 1): DatasetItem => ({ path: 'p.jpg', split: 'val', width: 50, height: 50, age, gender });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ageGender', () => {
  it("weights L1(age) and BCE(gender) by the context's loss weights, the book's 1 and 1 by default", () => {
    expect(ageGender.outputs({})).toEqual(['age', 'gender']);
    expect(ageGender.losses({})).toEqual([
      { loss: 'l1', weight: 1 },
      { loss: 'bce', weight: 1 },
    ]);
    expect(ageGender.losses({ lossWeights: { age: 2.5 } }).map((l) => l.weight)).toEqual([2.5, 1]);
  });

  it('reports age MAE in years and gender accuracy (below 0.5 is Male)', () => {
    const acc = ageGender.metrics({});
    // Ages 0.3·80 = 24 and 0.5·80 = 40 against 20 and 40; 0.6·80 = 48 against 60.
    acc.add([Float32Array.of(0.3, 0.5), Float32Array.of(0.2, 0.4)], [person(20, 0), person(40, 1)]);
    acc.add([Float32Array.of(0.6), Float32Array.of(0.9)], [person(60, 1)]);
    const { n, metrics } = acc.result();
    expect(n).toBe(3);
    expect(metrics.ageMae).toBeCloseTo((4 + 0 + 12) / 3, 4);
    expect(metrics.genderAccuracy).toBeCloseTo(2 / 3, 12);
  });

  it('encodes targets as age/80 and gender 0/1, [n,1] each', () => {
    const [age, gender] = ageGender.targets([person(40, 1), person(20, 0)], {});
    expect(age.shape).toEqual([2, 1]);
    expect(age.arraySync()).toEqual([[0.5], [0.25]]);
    expect(gender.arraySync()).toEqual([[1], [0]]);
    tf.dispose([age, gender]);
  });

  it('decodes to years and a gender word', () => {
    expect(ageGender.decode([[0.5], [0.7]], { width: 1, height: 1 }, {})).toEqual({ task: 'age-gender', age: 40, gender: 'Female', pFemale: 0.7 });
    expect(ageGender.decode([[0.25], [0.49]], { width: 1, height: 1 }, {})).toMatchObject({ age: 20, gender: 'Male' });
  });

  it('scores an item by |age error|/80 + (1 − p(true gender))', () => {
    expect(ageGender.itemError([[0.3], [0.2]], person(20, 0), {})).toBeCloseTo(4 / 80 + 0.2, 6);
    expect(ageGender.itemError([[0.3], [0.2]], person(20, 1), {})).toBeCloseTo(4 / 80 + 0.8, 6);
  });

  it('gives fitStep a total of w_age·L1 + w_gender·BCE, and the step lowers it', () => {
    const input = tf.input({ shape: [3] });
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const age = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
    const gender = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [age, gender] });
    const x = tf.tensor2d([
      [1, 0, -1],
      [0.5, 1, 0],
      [-1, 0.5, 1],
    ]);
    const items = [person(30, 0), person(60, 1), person(12, 1)];
    const ctx = { lossWeights: { age: 3, gender: 0.5 } };
    const ys = ageGender.targets(items, ctx);
    /** The weighted total and each output's loss, computed here from the predictions with plain numbers. */
    const handLosses = () => {
      const [a, g] = (model.predict(x) as tf.Tensor[]).map((t) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      });
      const lAge = items.reduce((s, it, i) => s + Math.abs(it.age! / 80 - a[i]), 0) / 3;
      const lGender = -items.reduce((s, it, i) => s + (it.gender ? Math.log(g[i]) : Math.log(1 - g[i])), 0) / 3;
      return [3 * lAge + 0.5 * lGender, lAge, lGender];
    };
    const before = handLosses();
    const optimizer = tf.train.sgd(0.1);
    const tensors = tf.memory().numTensors;
    // fitStep's row: the weighted total, then each output's unweighted loss.
    const row = fitStep(model, optimizer, [x], ys, ageGender.losses(ctx));
    Array.from(row.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(before[i], 5));
    expect(row.shape).toEqual([3]);
    row.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(handLosses()[0]).toBeLessThan(before[0] - 1e-3);
    optimizer.dispose();
    model.dispose();
    tf.dispose([x, ...ys]);
  });
});
