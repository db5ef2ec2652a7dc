import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { smallRun } from '../__tests__/trainData';
import type { DatasetItem } from '../data';
import { backboneSpec, buildModel, loadPretrained } from '../models';
import { keypoints, nme, TASKS } from '../tasks';
import { drawAugmentations, movePoints } from './augment';
import { loadImages } from './batches';
import { predictOutputs } from './tta';

const SIZE = 96;

/** Rows of a [1, 136] tensor as a plain array. */
const row = async (t: tf.Tensor) => Array.from(await t.data());

/**
 * Sets the keypoints head's last layer to say the mean face of `faces` (its bias, the logit of their mean points),
 * plus a small part of what the pretrained trunk sees (its kernel scaled down): a model that places the points
 * where faces have them, without a minutes-long training run on the CPU.
 */
function meanFaceHead(model: tf.LayersModel, faces: DatasetItem[]): void {
  const last = model.getLayer('classifier.3');
  const mean = faces[0].points!.map((_, c) => faces.reduce((sum, f) => sum + f.points![c], 0) / faces.length);
  const [kernel] = last.getWeights();
  const small = kernel.mul(0.05);
  const bias = tf.tensor1d(mean.map((m) => Math.log(m / (1 - m))));
  last.setWeights([small, bias]);
  tf.dispose([small, bias]);
}

describe('flip test-time augmentation', () => {
  let model: tf.LayersModel;
  let run: Awaited<ReturnType<typeof smallRun>>;

  beforeAll(async () => {
    await useBackend('cpu');
    run = await smallRun('keypoints', 'mobilenet_v3', SIZE, { nTrain: 32, nVal: 4 });
    model = buildModel(run.config.model);
    await loadPretrained(model, fileWeightSource());
    meanFaceHead(model, run.data.splits.train);
  });

  afterAll(async () => {
    model?.dispose();
    await run?.close();
  });

  it("unflip takes a mirrored face's points (augment's flip) back to the face's own", async () => {
    const face = run.data.splits.val[0];
    const flip = { ...drawAugmentations(1, { flip: 1, scale: [1, 1], rotate: 0 }, 1, 0)[0] };
    expect(flip.flipped).toBe(true);
    const mirrored = tf.tensor2d([movePoints(face.points!, flip)]);
    const [back] = keypoints.unflip!([mirrored], {});
    const values = await row(back);
    values.forEach((v, i) => expect(v).toBeCloseTo(face.points![i], 6));
    tf.dispose([mirrored, back]);
  });

  it('mirrors the prediction of a flipped real face back near the unflipped prediction, without leaking tensors', async () => {
    const face = run.data.splits.val[1];
    const x = await loadImages(run.data.archive, [face], { decoder: run.data.decoder, inputSize: SIZE, preprocessing: backboneSpec('mobilenet_v3').preprocessing });
    const before = tf.memory().numTensors;
    const [plain, back, unswapped, tta, ttaOfMirror] = tf.tidy(() => {
      const ctx = { points: 68 };
      const [p] = predictOutputs(model, [x], { task: TASKS.keypoints, ctx });
      const [m] = predictOutputs(model, [tf.reverse(x, 2)], { task: TASKS.keypoints, ctx });
      // x → 1 − x alone, without the left/right swap: what a flip that forgot the 68-point scheme would give.
      const mirroredOnly = m.mul(tf.tensor1d(Array.from({ length: 136 }, (_, c) => (c % 2 ? 1 : -1)))).add(tf.tensor1d(Array.from({ length: 136 }, (_, c) => (c % 2 ? 0 : 1))));
      const [t] = predictOutputs(model, [x], { task: TASKS.keypoints, ctx, tta: 'flip' });
      const [tm] = predictOutputs(model, [tf.reverse(x, 2)], { task: TASKS.keypoints, ctx, tta: 'flip' });
      return [p, keypoints.unflip!([m], ctx)[0], mirroredOnly, t, keypoints.unflip!([tm], ctx)[0]];
    });
    const [p, b, u, t, tm] = await Promise.all([plain, back, unswapped, tta, ttaOfMirror].map(row));
    tf.dispose([plain, back, unswapped, tta, ttaOfMirror]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();

    // Measured against the model's own unflipped prediction, in units of its eye distance.
    const near = nme(b, p, face.width, face.height);
    expect(near).toBeLessThan(0.1);
    expect(nme(u, p, face.width, face.height)).toBeGreaterThan(5 * near);
    // The flip TTA of a mirrored face is the mirror of the face's flip TTA.
    tm.forEach((v, i) => expect(v).toBeCloseTo(t[i], 5));
  });
});
