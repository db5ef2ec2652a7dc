import * as tf from '@tensorflow/tfjs';
import { targetsOf } from '../data';
import { FLIP_68 } from '../train/augment';
import { PRESET_OUTPUTS } from '../models';
import { nme } from './nme';
import { itemOutputs } from './rowOf';
import type { Evaluation, MetricAccumulator, Prediction, Task, TaskContext } from './types';

/** The keypoints head has 136 outputs and NME needs the 68-point eye corners. */
const POINTS = 68;

function checkPoints(ctx: TaskContext): void {
  if (ctx.points !== undefined && ctx.points !== POINTS) {
    throw new Error(`the keypoints head predicts ${POINTS} points; this dataset has ${ctx.points} per image`);
  }
}

function accumulator(): MetricAccumulator {
  let n = 0;
  let absPxSum = 0;
  let coordinates = 0;
  let nmeSum = 0;
  let nmeCount = 0;
  return {
    add(outputs, items) {
      items.forEach((item, i) => {
        const pred = itemOutputs(outputs, items.length, i)[0];
        const truth = item.points!;
        truth.forEach((t, c) => {
          absPxSum += Math.abs(pred[c] - t) * (c % 2 === 0 ? item.width : item.height);
        });
        coordinates += truth.length;
        const e = nme(pred, truth, item.width, item.height);
        // A face whose true eye corners coincide has no scale; it counts for maePx only.
        if (Number.isFinite(e)) {
          nmeSum += e;
          nmeCount += 1;
        }
        n += 1;
      });
    },
    result(): Evaluation {
      return { n, metrics: { nme: nmeSum / nmeCount, maePx: absPxSum / coordinates } };
    },
  };
}

/** The book's facial keypoints: 68 (x, y) in 0..1 from sigmoids, L1 loss; metrics in pixels of the original image. */
export const keypoints: Task = {
  name: 'keypoints',
  preset: (ctx) => {
    checkPoints(ctx);
    return 'keypoints';
  },
  datasetTask: () => 'keypoints',
  outputs: () => [...PRESET_OUTPUTS.keypoints],
  losses: () => [{ loss: 'l1' }],
  targets: (items, ctx) => {
    checkPoints(ctx);
    return targetsOf(items, 'keypoints');
  },
  metrics: (ctx) => {
    checkPoints(ctx);
    return accumulator();
  },
  primaryMetric: { name: 'nme', higherIsBetter: false },
  decode(outputs, { width, height }): Prediction {
    const row = outputs[0];
    const points = Array.from({ length: row.length / 2 }, (_, k): [number, number] => [
      row[2 * k] * width,
      row[2 * k + 1] * height,
    ]);
    return { task: 'keypoints', points };
  },
  itemError: (outputs, item) => nme(outputs[0], item.points!, item.width, item.height),
  // A mirrored face's point i is the face's point FLIP_68[i] with x → 1 − x (coordinates are 0..1).
  unflip: ([mirrored]) => {
    const columns = Array.from({ length: 2 * POINTS }, (_, c) => 2 * FLIP_68[c >> 1] + (c % 2));
    const sign = Array.from({ length: 2 * POINTS }, (_, c) => (c % 2 === 0 ? -1 : 1));
    const offset = Array.from({ length: 2 * POINTS }, (_, c) => (c % 2 === 0 ? 1 : 0));
    return [tf.gather(mirrored, tf.tensor1d(columns, 'int32'), 1).mul(tf.tensor1d(sign)).add(tf.tensor1d(offset))];
  },
};
