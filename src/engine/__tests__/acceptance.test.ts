import { beforeAll, describe, expect, it } from 'vitest';
import { describeRecipe, formatEvaluation, meanShapeNme, medianAgeMae, trainWithDefaults, type DefaultRun } from '../../../bench/lib/trainWithDefaults';
import { useBackend } from '../../cli/node/nodeBackends';
import { FACE_CROP } from '../data';

/** The run's own checks: the proposed recipe (≤ 8 epochs), the bundled pretrained trunk, no tensor left. */
async function trainChecked(zip: string): Promise<DefaultRun> {
  const o = await trainWithDefaults(zip);
  expect(o.config.epochs).toBeLessThanOrEqual(8);
  expect(o.pretrained).toBe(true);
  expect(o.leakedTensors).toBe(0);
  return o;
}

function describeRun(title: string, o: DefaultRun): string {
  return (
    `${title}: ${describeRecipe(o.config)} → test ${formatEvaluation(o.test)}; val ${formatEvaluation(o.fit.best)}; ` +
    `${o.seconds.toFixed(1)} s (cache ${(o.fit.cache?.seconds ?? 0).toFixed(1)} s, epochs ${o.fit.epochSeconds.map((s) => s.toFixed(1)).join('/')} s)`
  );
}

/**
 * The default recipes (engine `RECIPES`, chosen on the val splits by `bench/tune.ts`: docs/TUNING.md), trained for real on wasm in
 * Node from the shared zips exactly as `train --data ZIP` runs them. Keypoints' recipe keeps the pretrained trunk
 * frozen (BlazeFace crops each image and the feature cache runs the trunk once per crop, 5 epochs train the head):
 * it runs in `npm test`. Cats-dogs'
 * fine_tunes the trunk's last blocks, which run every step, and age-gender's head is heavy on its 7×7×512 features:
 * minutes each, so `npm run test:slow`.
 */
describe('the default recipes on the shared zips (wasm)', () => {
  beforeAll(() => useBackend('wasm'));

  // fine_tune runs the unfrozen blocks every step: ~6 minutes on two busy cores, more than `npm test` can spend
  // beside the rest (CI's 30 minutes), so it runs in `npm run test:slow` (SLOW=1) and `npm run bench -- recipes`.
  it.runIf(process.env.SLOW)('cats-dogs: mobilenet_v3 fine_tune (2 head epochs, then from expanded_conv_12) reaches test accuracy ≥ 0.96', async () => {
    const o = await trainChecked('cats-dogs.zip');
    console.log(describeRun('cats-dogs', o));
    expect(o.config.model.backbone).toBe('mobilenet_v3');
    expect(o.config.fineTune).toMatchObject({ freezeEpochs: 2, unfreezeFrom: 'expanded_conv_12' });
    expect(o.test!.n).toBe(100);
    expect(o.metrics.test_accuracy).toBe(o.test!.metrics.accuracy);
    expect(o.test!.metrics.accuracy).toBeGreaterThanOrEqual(0.96);
  }, 900_000);

  // Issue 13's targets, both met on val by the trunk of face-api's own age and gender net (frozen, 5 epochs: the head
  // on 7×7×512 features is ~5 minutes of wasm, more than `npm test` can spend beside the rest).
  it.runIf(process.env.SLOW)('age-gender: face_xception frozen, 5 epochs, reaches val age MAE ≤ 8.0 and gender ≥ 0.88', async () => {
    const o = await trainChecked('age-gender.zip');
    const baseline = medianAgeMae(o.splits.train, o.splits.val);
    console.log(`${describeRun('age-gender', o)}; median age ${baseline.toFixed(1)} years; issue target age ≤ 8.0, gender ≥ 0.88`);
    const val = o.fit.best!;
    expect(o.config.model.backbone).toBe('face_xception');
    expect(o.config.fineTune).toBeUndefined();
    expect(o.test).toBeUndefined();
    expect(val.n).toBe(100);
    expect(val.metrics.genderAccuracy).toBeGreaterThanOrEqual(0.88);
    expect(val.metrics.ageMae).toBeLessThan(baseline);
    expect(val.metrics.ageMae).toBeLessThanOrEqual(8);
  }, 900_000);

  // Issue 13's target: face-api's 68-point net, its own head trained on the frozen trunk's cached features, on the
  // square around each face BlazeFace finds (train, val and test alike: nothing of the truth picks the square).
  it('facial keypoints: face_dense on face crops, frozen, reaches test NME ≤ 0.11', async () => {
    const o = await trainChecked('facial-keypoints.zip');
    const baseline = meanShapeNme(o.splits.train, o.splits.test);
    console.log(`${describeRun('facial keypoints', o)}; mean face ${baseline.toFixed(3)}; face crops ${o.faceCrop!.seconds.toFixed(1)} s; issue target ≤ 0.11`);
    expect(o.config.model).toMatchObject({ backbone: 'face_dense', inputSize: 112, faceCrop: FACE_CROP });
    expect(o.splits.test.every((item) => item.crop !== undefined)).toBe(true);
    expect(o.faceCrop!.problems.length).toBeLessThanOrEqual(5);
    expect(o.test!.n).toBe(100);
    expect(o.test!.metrics.nme).toBeLessThan(baseline);
    expect(o.test!.metrics.nme).toBeLessThanOrEqual(0.11);
  }, 300_000);
});
