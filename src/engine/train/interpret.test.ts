import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { useBackend } from '../../cli/node/nodeBackends';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { scanDataset, splitDataset, type Archive, type DatasetItem } from '../data';
import { buildModel, loadPretrained } from '../models';
import { TASKS, type TaskContext } from '../tasks';
import { evaluate } from './evaluate';
import { confusionCell, mostConfused } from './confusion';
import { interpret } from './interpret';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;
const SIZE = 64;

describe('interpret', () => {
  let archive: Archive;
  let close: () => Promise<void>;
  let items: DatasetItem[];
  let model: tf.LayersModel;
  const ctx: TaskContext = { classes: ['cats', 'dogs'] };
  const task = TASKS.classification;

  beforeAll(async () => {
    await useBackend('cpu');
    ({ archive, close } = await openDataset(`${SHARED}cats-dogs.zip`));
    const index = await scanDataset(archive);
    expect(index.report.classes).toEqual(ctx.classes);
    const test = splitDataset(index).test;
    // Both classes: the first and last six of the test split in path order.
    const sorted = [...test].sort((a, b) => (a.path < b.path ? -1 : 1));
    items = [...sorted.slice(0, 6), ...sorted.slice(-6)];
    model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: SIZE });
    await loadPretrained(model, fileWeightSource());
  });

  afterAll(async () => {
    model?.dispose();
    await close?.();
  });

  it('scores every item of a real split, worst loss first, each loss its own BCE, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const result = await interpret(model, task, ctx, archive, items, { decoder: sharpDecoder, batchSize: 5 });
    expect(tf.memory().numTensors).toBe(before);

    expect(result.items).toHaveLength(items.length);
    expect(new Set(result.items.map((i) => i.item.path))).toEqual(new Set(items.map((i) => i.path)));
    const losses = result.items.map((i) => i.loss);
    expect(losses).toEqual([...losses].sort((a, b) => b - a));
    // The loss of one item, not its batch's mean: −log p(true class) of its own prediction.
    for (const { item, loss, prediction } of result.items) {
      if (prediction.task !== 'classification') throw new Error('not a classification');
      expect(loss).toBeCloseTo(-Math.log(prediction.probs[item.label!]), 4);
    }
    expect(new Set(losses.map((l) => l.toFixed(6))).size).toBeGreaterThan(1);

    const plain = await evaluate(model, task, ctx, archive, items, { decoder: sharpDecoder, batchSize: 5 });
    expect(result.evaluation.confusion).toEqual(plain.confusion);
    expect(result.evaluation.metrics.accuracy).toBeCloseTo(plain.metrics.accuracy, 6);
  });

  it("splits the items by confusion-matrix cell: each cell's images are the ones counted there", async () => {
    const { evaluation, items: interpreted } = await interpret(model, task, ctx, archive, items, { decoder: sharpDecoder });
    const confusion = evaluation.confusion!;
    let total = 0;
    confusion.forEach((row, t) =>
      row.forEach((count, p) => {
        const cell = confusionCell(interpreted, t, p);
        expect(cell).toHaveLength(count);
        expect(cell.every((i) => i.item.label === t)).toBe(true);
        total += cell.length;
      }),
    );
    expect(total).toBe(items.length);
  });
});

describe('interpret on faces', () => {
  it('orders real faces by their own L1 loss: the worst faces first, both point sets kept', async () => {
    await useBackend('cpu');
    const { archive, close } = await openDataset(`${SHARED}facial-keypoints.zip`);
    const index = await scanDataset(archive);
    const faces = splitDataset(index).test.slice(0, 6);
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'keypoints', inputSize: SIZE });
    const before = tf.memory().numTensors;
    const { items, evaluation } = await interpret(model, TASKS.keypoints, { points: 68 }, archive, faces, { decoder: sharpDecoder, batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    await close();

    expect(evaluation.n).toBe(6);
    const losses = items.map((i) => i.loss);
    expect(losses).toEqual([...losses].sort((a, b) => b - a));
    for (const { item, loss, prediction } of items) {
      if (prediction.task !== 'keypoints') throw new Error('not keypoints');
      // L1 on 0..1 coordinates, from the prediction drawn in pixels and the truth kept with the item.
      const l1 = prediction.points.flatMap(([x, y], k) => [Math.abs(x / item.width - item.points![2 * k]), Math.abs(y / item.height - item.points![2 * k + 1])]);
      expect(loss).toBeCloseTo(l1.reduce((a, b) => a + b, 0) / l1.length, 4);
    }
  });
});

describe('mostConfused', () => {
  it('lists the off-diagonal cells, most frequent first, at least `min`', () => {
    const confusion = [
      [5, 1, 3],
      [0, 7, 2],
      [4, 0, 9],
    ];
    expect(mostConfused(confusion, ['a', 'b', 'c'])).toEqual([
      { truth: 'c', predicted: 'a', count: 4 },
      { truth: 'a', predicted: 'c', count: 3 },
      { truth: 'b', predicted: 'c', count: 2 },
      { truth: 'a', predicted: 'b', count: 1 },
    ]);
    expect(mostConfused(confusion, ['a', 'b', 'c'], 3).map((c) => c.count)).toEqual([4, 3]);
  });
});
