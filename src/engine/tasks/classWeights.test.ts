import * as tf from '@tensorflow/tfjs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../cli/inspect';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { bytesSource } from '../data/byteSource';
import { openZip } from '../data/openZip';
import { scanDataset } from '../data/scanDataset';
import type { DatasetReport } from '../data';
import { bce, categoricalCrossEntropy, classWeightedLoss } from '../train/losses';
import { planTraining } from '../train/planTraining';
import { classWeightsOf, trainClassCounts } from './classWeights';
import { classification } from './classification';

const CATS_DOGS = fileURLToPath(new URL('../../../../shared/datasets/cats-dogs.zip', import.meta.url));

/** cats-dogs with `cats` cats and `dogs` dogs left in train/ (test/ whole): real images, an uneven layout. */
async function unevenReport(cats: number, dogs: number): Promise<DatasetReport> {
  const entries = unzipSync(readFileSync(CATS_DOGS));
  const kept: Zippable = {};
  const left = { cats, dogs };
  for (const [name, bytes] of Object.entries(entries)) {
    const m = /(?:^|\/)train\/(cats|dogs)\/[^/]+$/.exec(name);
    if (m && left[m[1] as 'cats' | 'dogs']-- <= 0) continue;
    kept[name] = bytes;
  }
  const archive = await openZip('uneven.zip', bytesSource(zipSync(kept)));
  return (await scanDataset(archive, { decoder: sharpDecoder })).report;
}

describe("planTraining on a real uneven cats-dogs: class weights, and the recipe's fine_tune", () => {
  let uneven: DatasetReport;
  beforeAll(async () => {
    uneven = await unevenReport(40, 10);
  });

  it('weighs a 40:10 train split by n / (C·n_c), and the recipe and the loss carry them', () => {
    expect(trainClassCounts(uneven)).toEqual([40, 10]);
    expect(classWeightsOf(uneven)).toEqual([50 / 80, 50 / 20]);
    const config = planTraining(uneven);
    expect(config.ctx.classWeights).toEqual([0.625, 2.5]);
    expect(classification.losses(config.ctx)).toEqual([{ loss: 'bce', classWeights: [0.625, 2.5] }]);
    // What `inspect` shows (and `train` repeats in its plan line).
    expect(formatReport(uneven)).toContain('uneven classes: the loss weighs them cats 0.63, dogs 2.50');
  });

  it("proposes the classification recipe's fine_tune; a null choice turns it off, a given one replaces it", () => {
    expect(planTraining(uneven).fineTune).toEqual({ freezeEpochs: 2, unfreezeFrom: 'expanded_conv_12' });
    expect(planTraining(uneven, { fineTune: null }).fineTune).toBeUndefined();
    expect(planTraining(uneven, { fineTune: { freezeEpochs: 1 } }).fineTune).toEqual({ freezeEpochs: 1 });
    expect(planTraining(uneven, { backbone: 'resnet18' }).fineTune).toBeUndefined();
  });

  it('leaves the even cats-dogs (150 : 150) unweighted', async () => {
    const even = await unevenReport(150, 150);
    expect(trainClassCounts(even)).toEqual([150, 150]);
    expect(classWeightsOf(even)).toBeUndefined();
    expect(planTraining(even).ctx.classWeights).toBeUndefined();
  });

  it("weighs each row's BCE and cross-entropy by its true class, torch's Σ w·l / Σ w; equal weights change nothing", async () => {
    const before = tf.memory().numTensors;
    const y = tf.tensor2d([[1], [0], [0], [0]]);
    const p = tf.tensor2d([[0.2], [0.1], [0.3], [0.4]]);
    const rows = [-Math.log(0.2), -Math.log(0.9), -Math.log(0.7), -Math.log(0.6)];
    const w = [1, 4, 4, 4].map((c) => (c === 4 ? 0.5 : 2));
    const expected = rows.reduce((s, l, i) => s + l * w[i], 0) / w.reduce((a, b) => a + b, 0);
    const weighted = classWeightedLoss('bce', y, p, [0.5, 2]);
    expect((await weighted.data())[0]).toBeCloseTo(expected, 5);
    const same = classWeightedLoss('bce', y, p, [3, 3]);
    const plain = bce(y, p);
    expect((await same.data())[0]).toBeCloseTo((await plain.data())[0], 6);

    const oneHot = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const probs = tf.tensor2d([[0.5, 0.25, 0.25], [0.2, 0.2, 0.6]]);
    const ce = classWeightedLoss('categoricalCrossEntropy', oneHot, probs, [1, 1, 3]);
    expect((await ce.data())[0]).toBeCloseTo((-Math.log(0.5) * 1 - Math.log(0.6) * 3) / 4, 5);
    const ceSame = classWeightedLoss('categoricalCrossEntropy', oneHot, probs, [2, 2, 2]);
    const cePlain = categoricalCrossEntropy(oneHot, probs);
    expect((await ceSame.data())[0]).toBeCloseTo((await cePlain.data())[0], 6);
    tf.dispose([y, p, weighted, same, plain, oneHot, probs, ce, ceSame, cePlain]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
