import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { useBackend } from '../../cli/node/nodeBackends';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { loadWeightsOption } from '../../cli/weightsOption';
import { restartBackend } from '../backend';
import { scanDataset, type DatasetItem } from '../data';
import { backboneSpec, buildModel } from '../models';
import { nme, type Evaluation } from '../tasks';
import { planTraining, runTraining, trainingSplits, type TrainConfig, type TrainingOutcome } from '../train';

const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');

interface Outcome extends Omit<TrainingOutcome, 'model'> {
  /** Wall time of the whole run: scan, weights, feature cache, epochs, test evaluation. */
  seconds: number;
}

/**
 * What `train --data ZIP` does with no other flag: scan (decoding every image), `planTraining` with no choices
 * (the proposed recipe), the bundled pretrained trunk, `runTraining`. The model is freed; tensors are counted.
 */
async function trainWithDefaults(zip: string): Promise<Outcome> {
  const start = performance.now();
  const before = tf.memory().numTensors;
  const { archive, close } = await openDataset(path.join(DATASETS, zip));
  try {
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    const config: TrainConfig = planTraining(index.report, {}, trainingSplits(index).train.length);
    expect(config.epochs).toBeLessThanOrEqual(5);
    const build = async () => {
      const model = buildModel(config.model);
      expect((await loadWeightsOption(model, backboneSpec(config.model.backbone), 'pretrained')).pretrained).toBe(true);
      return model;
    };
    const first = await build();
    const { model, ...outcome } = await runTraining({
      config,
      dataset: { archive, index, decoder: sharpDecoder },
      model: first,
      rebuild: build,
      restartBackend: () => restartBackend({}),
    }).done;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return { ...outcome, seconds: (performance.now() - start) / 1000 };
  } finally {
    await close();
  }
}

/** NME of always answering the train split's mean face (the trivial keypoints baseline), over `items`. */
function meanShapeNme(train: DatasetItem[], items: DatasetItem[]): number {
  const mean = train[0].points!.map((_, j) => train.reduce((sum, item) => sum + item.points![j], 0) / train.length);
  return items.reduce((sum, item) => sum + nme(mean, item.points!, item.width, item.height), 0) / items.length;
}

/** Age MAE in years of always answering the train split's median age (the trivial age baseline), over `items`. */
function medianAgeMae(train: DatasetItem[], items: DatasetItem[]): number {
  const ages = train.map((i) => i.age!).sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)];
  return items.reduce((sum, item) => sum + Math.abs(item.age! - median), 0) / items.length;
}

function describeRun(title: string, o: Outcome): string {
  const fmt = (e?: Evaluation) => (e ? Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ') + ` (n=${e.n})` : '—');
  const { model, epochs, learningRate, batchSize } = o.config;
  return (
    `${title}: ${model.backbone} @${model.inputSize}², lr ${learningRate}, batch ${batchSize}, ${epochs} epochs` +
    `${o.config.ctx.lossWeights ? `, loss weights ${JSON.stringify(o.config.ctx.lossWeights)}` : ''} → test ${fmt(o.test)}; val ${fmt(o.fit.best)}; ` +
    `${o.seconds.toFixed(1)} s (cache ${(o.fit.cache?.seconds ?? 0).toFixed(1)} s, epochs ${o.fit.epochSeconds.map((s) => s.toFixed(1)).join('/')} s)`
  );
}

/**
 * The default recipes (engine `RECIPES`, chosen on the val splits by `bench/tune.ts`: docs/TUNING.md), trained for real on wasm in
 * Node from the shared zips exactly as `train --data ZIP` runs them. Every recipe keeps the pretrained trunk
 * frozen, so the feature cache runs it once per image and the 5 epochs train the head only (CI: two cores).
 */
describe('the default recipes on the shared zips (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  it('cats-dogs: mobilenet_v3 frozen reaches test accuracy ≥ 0.93', async () => {
    const o = await trainWithDefaults('cats-dogs.zip');
    console.log(describeRun('cats-dogs', o));
    expect(o.config.model.backbone).toBe('mobilenet_v3');
    expect(o.test!.n).toBe(100);
    expect(o.metrics.test_accuracy).toBe(o.test!.metrics.accuracy);
    expect(o.test!.metrics.accuracy).toBeGreaterThanOrEqual(0.93);
  }, 300_000);

  it('age-gender: face_resnet frozen, gender accuracy ≥ 0.80 and age MAE ≤ 10 years on val (the zip has no test split)', async () => {
    const o = await trainWithDefaults('age-gender.zip');
    const baseline = medianAgeMae(o.splits.train, o.splits.val);
    console.log(`${describeRun('age-gender', o)}; median age ${baseline.toFixed(1)} years; issue target ≤ 10`);
    const val = o.fit.best!;
    expect(o.test).toBeUndefined();
    expect(val.n).toBe(100);
    expect(val.metrics.genderAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(val.metrics.ageMae).toBeLessThan(baseline);
    expect(val.metrics.ageMae).toBeLessThanOrEqual(10);
  }, 300_000);

  it('facial keypoints: face_resnet frozen (book head + conv128_2 skip) reaches test NME ≤ 0.15', async () => {
    const o = await trainWithDefaults('facial-keypoints.zip');
    const baseline = meanShapeNme(o.splits.train, o.splits.test);
    console.log(`${describeRun('facial keypoints', o)}; mean face ${baseline.toFixed(3)}; issue target ≤ 0.15`);
    expect(o.test!.n).toBe(100);
    expect(o.test!.metrics.nme).toBeLessThan(baseline);
    expect(o.test!.metrics.nme).toBeLessThanOrEqual(0.15);
  }, 300_000);
});
