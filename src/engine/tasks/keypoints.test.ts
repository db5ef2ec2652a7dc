import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { parseCsv, probeImage, type DatasetItem } from '../data';
import { l1 } from '../train/losses';
import { keypoints } from './keypoints';
import { nme } from './nme';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;

/** A face of 68 points at (0.5, 0.5), outer eye corners 36 and 45 at (0.3, 0.4) and (0.7, 0.4). */
function handFace(): number[] {
  const points = Array.from({ length: 136 }, () => 0.5);
  points.splice(72, 2, 0.3, 0.4);
  points.splice(90, 2, 0.7, 0.4);
  return points;
}

/** `points` moved by (dx, dy) pixels of a width×height image. */
const shifted = (points: number[], dx: number, dy: number, width: number, height: number) =>
  points.map((v, c) => v + (c % 2 === 0 ? dx / width : dy / height));

const face = (points: number[], width: number, height: number): DatasetItem => ({ path: 'f.jpg', split: 'test', width, height, points });

/** The first face of the shared test CSV: its pixel coordinates as written, and the image size from its header. */
let real: { px: number[]; width: number; height: number };

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { archive, close } = await openDataset(`${SHARED}facial-keypoints.zip`);
  const [, row] = parseCsv(await archive.read('test_frames_keypoints.csv'));
  const { width, height } = probeImage(await archive.read(`test/${row[0]}`));
  real = { px: row.slice(1).map(Number), width, height };
  await close();
});

describe('nme', () => {
  it('divides a uniform (3, 4) px shift by the outer-eye distance of a hand-built face', () => {
    // 200×100 image: eye corners 0.4·200 = 80 px apart; every point 5 px off.
    expect(nme(shifted(handFace(), 3, 4, 200, 100), handFace(), 200, 100)).toBeCloseTo(5 / 80, 6);
  });

  it('averages over the 68 points when one point alone is off', () => {
    const pred = handFace();
    pred[0] += 8 / 200;
    expect(nme(pred, handFace(), 200, 100)).toBeCloseTo(8 / 68 / 80, 6);
  });

  it('measures a known shift of a real face from the shared CSV in its own pixels', () => {
    const { px, width, height } = real;
    const truth = px.map((v, c) => v / (c % 2 === 0 ? width : height));
    const interOcular = Math.hypot(px[72] - px[90], px[73] - px[91]);
    expect(interOcular).toBeGreaterThan(10);
    expect(nme(shifted(truth, 3, 4, width, height), truth, width, height)).toBeCloseTo(5 / interOcular, 5);
  });

  it('is NaN when the true eye corners coincide', () => {
    const flat = Array.from({ length: 136 }, () => 0.5);
    expect(nme(flat, flat, 100, 100)).toBeNaN();
  });
});

describe('keypoints', () => {
  it('reports maePx and nme in pixels of each original image, across batches', () => {
    const acc = keypoints.metrics({ points: 68 });
    const a = handFace();
    const b = handFace();
    // Image A (200×100) shifted (3, 4) px: |dx|+|dy| = 7 px per point, nme 5/80.
    acc.add([Float32Array.from(shifted(a, 3, 4, 200, 100))], [face(a, 200, 100)]);
    // Image B (400×400) shifted (0, 8) px: 8 px per point, eye corners 160 px apart, nme 8/160.
    acc.add([Float32Array.from(shifted(b, 0, 8, 400, 400))], [face(b, 400, 400)]);
    const { n, metrics } = acc.result();
    expect(n).toBe(2);
    expect(metrics.maePx).toBeCloseTo((68 * 7 + 68 * 8) / (2 * 136), 4);
    expect(metrics.nme).toBeCloseTo((5 / 80 + 8 / 160) / 2, 5);
  });

  it('splits a batch output into rows per image', () => {
    const acc = keypoints.metrics({});
    const pred = [...shifted(handFace(), 2, 0, 100, 100), ...handFace()];
    acc.add([Float32Array.from(pred)], [face(handFace(), 100, 100), face(handFace(), 100, 100)]);
    expect(acc.result().metrics.maePx).toBeCloseTo(68 * 2 / (2 * 136), 4);
  });

  it('encodes targets as the normalized points, [n, 136]', () => {
    const items = [face(handFace(), 10, 10), face(shifted(handFace(), 1, 1, 10, 10), 10, 10)];
    const [t] = keypoints.targets(items, { points: 68 });
    expect(t.shape).toEqual([2, 136]);
    const values = Array.from(t.dataSync());
    values.forEach((v, i) => expect(v).toBeCloseTo(items[Math.floor(i / 136)].points![i % 136], 6));
    t.dispose();
  });

  it('decodes to points in pixels of the original image', () => {
    const out = handFace();
    const { points } = keypoints.decode([out], { width: 200, height: 100 }, {}) as { points: [number, number][] };
    expect(points).toHaveLength(68);
    expect(points[0]).toEqual([100, 50]);
    expect(points[36]).toEqual([60, 40]);
  });

  it("scores an item by its NME", () => {
    const out = shifted(handFace(), 3, 4, 200, 100);
    expect(keypoints.itemError([out], face(handFace(), 200, 100), {})).toBeCloseTo(5 / 80, 6);
  });

  it('refuses datasets whose point count the 136-output head cannot predict', () => {
    expect(() => keypoints.preset({ points: 5 })).toThrow(/68 points/);
    expect(keypoints.losses({})).toEqual([{ loss: 'l1' }]);
  });
});

describe('l1', () => {
  it('is the mean absolute error on the cpu backend', () => {
    const loss = tf.tidy(() => l1(tf.tensor2d([[0.1, 0.5]]), tf.tensor2d([[0.3, 0.2]])).dataSync()[0]);
    expect(loss).toBeCloseTo(0.25, 6);
  });
});
