import * as tf from '@tensorflow/tfjs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { useBackend } from '../../cli/node/nodeBackends';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { bytesSource, openZip } from '../data';
import { buildModel, loadPretrained } from '../models';
import { TASKS } from '../tasks';
import { predictImage } from './predict';
import { predictArchive } from './predictArchive';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;
const task = TASKS.classification;

describe('predictArchive', () => {
  let model: tf.LayersModel;
  let files: Record<string, Uint8Array>;

  beforeAll(async () => {
    await useBackend('cpu');
    model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64 });
    await loadPretrained(model, fileWeightSource());
    const shared = unzipSync(new Uint8Array(await readFile(`${SHARED}cats-dogs.zip`)));
    const test = Object.keys(shared).filter((p) => p.startsWith('test/') && p.endsWith('.jpg')).sort();
    // Two of each class, and a file named like an image that is not one.
    const picked = [...test.slice(0, 2), ...test.slice(-2)];
    files = { ...Object.fromEntries(picked.map((p) => [p, shared[p]])), 'test/cats/broken.jpg': strToU8('not a jpeg'), 'notes.txt': strToU8('hi') };
  });

  afterAll(() => model?.dispose());

  it('predicts every image of a zip with its folder as truth; a broken image is a row naming it, the rest go on', async () => {
    const archive = await openZip('batch.zip', bytesSource(zipSync(files)));
    const ctx = { classes: ['cats', 'dogs'] };
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    const rows = await predictArchive(model, task, ctx, archive, { decoder: sharpDecoder, onProgress: (done, total) => progress.push(done / total) });
    expect(tf.memory().numTensors).toBe(before);

    expect(rows.map((r) => r.path)).toEqual(Object.keys(files).filter((p) => p.endsWith('.jpg')).sort());
    expect(progress.at(-1)).toBe(1);
    const broken = rows.find((r) => r.path === 'test/cats/broken.jpg')!;
    expect(broken.problem).toMatch(/^test\/cats\/broken\.jpg: \S/);
    expect(broken.prediction).toBeUndefined();
    for (const row of rows.filter((r) => !r.problem)) {
      if (row.prediction?.task !== 'classification') throw new Error('not a classification');
      expect(row.truth?.label).toBe(row.path.startsWith('test/cats/') ? 0 : 1);
      expect(row.confidence).toBeCloseTo(Math.max(...row.prediction.probs), 6);
      expect(row.error).toBeCloseTo(1 - row.prediction.probs[row.truth!.label!], 6);
      // The same as predicting the image alone.
      const alone = await predictImage(model, task, ctx, files[row.path], sharpDecoder);
      expect(alone.task === 'classification' && alone.probs[1]).toBeCloseTo(row.prediction.probs[1], 5);
    }
  });

  it("takes labels by class name: a zip whose folders are another model's classes gives no truth", async () => {
    const archive = await openZip('batch.zip', bytesSource(zipSync(files)));
    const rows = await predictArchive(model, task, { classes: ['lions', 'tigers'] }, archive, { decoder: sharpDecoder });
    expect(rows.filter((r) => r.truth)).toEqual([]);
    expect(rows.filter((r) => r.prediction)).toHaveLength(4);
  });

  it('says so when there is no image at all', async () => {
    const archive = await openZip('empty.zip', bytesSource(zipSync({ 'notes.txt': strToU8('hi') })));
    await expect(predictArchive(model, task, { classes: ['cats', 'dogs'] }, archive, { decoder: sharpDecoder })).rejects.toThrow(/^empty\.zip: no images to predict/);
  });
});
