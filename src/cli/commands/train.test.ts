import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposedHyperparameters } from '../../engine/train';
import { openDataset } from '../node/openDataset';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');
const CATS_DOGS = path.join(DATASETS, 'cats-dogs.zip');

/** Runs the real CLI entry (what `npx transfer-studio` runs); stdout is a pipe, so Report lines come one per line. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.trim().split('\n') };
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('transfer-studio train → predict → evaluate', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ts-cli-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // 64² keeps the run to seconds on two cores (the accuracy targets are the acceptance test's business).
  describe('on cats-dogs.zip (image folders, train + test, no val)', () => {
    let trained: ReturnType<typeof cli>;
    let summary: { task: string; model: string; bestEpoch: number; val: { n: number; accuracy: number }; test: { n: number; accuracy: number } };
    let modelDir: string;
    beforeAll(() => {
      modelDir = path.join(tmp, 'cats-dogs');
      trained = cli('train', '--data', CATS_DOGS, '--backbone', 'mobilenet_v3', '--preset', 'binary', '--epochs', '1', '--input-size', '64', '--out', modelDir);
      summary = lastJson(trained.stdout);
    }, 240_000);

    it('prints Report lines, the epoch averages and a final JSON line of val and test metrics', () => {
      expect(trained.stderr).not.toMatch(/Error/);
      expect(trained.code).toBe(0);
      const records = trained.lines.filter((l) => /^EPOCH: 0\.\d{3}  trn_loss: \d+\.\d{3}  lr: \d(\.\d+)?e-\d+  \(\d+\.\d{2}s - \d+\.\d{2}s remaining\)$/.test(l));
      // 240 training images (the seeded 80% of 300) at the batch size planTraining proposes for them, one step per batch.
      const batch = proposedHyperparameters('classification', 'mobilenet_v3', 240).batchSize;
      expect(trained.stderr).toContain(`adam lr 0.001, batch ${batch}, 1 epochs`);
      expect(records).toHaveLength(240 / batch - 1);
      expect(trained.lines).toContainEqual(expect.stringMatching(/^EPOCH: 1\.000  trn_loss: \d\.\d{3}  lr: 1e-3  val_loss: \d\.\d{3}  val_accuracy: \d\.\d{3}  \(/));
      expect(summary).toMatchObject({ task: 'classification', model: 'mobilenet_v3+binary', bestEpoch: 1, val: { n: 60 }, test: { n: 100 } });
      expect(summary.test.accuracy).toBeGreaterThanOrEqual(0);
      expect(summary.test.accuracy).toBeLessThanOrEqual(1);
    });

    it('writes model.json, weights.bin and studio.json to --out', () => {
      expect(readdirSync(modelDir).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
      const meta = JSON.parse(readFileSync(path.join(modelDir, 'studio.json'), 'utf8'));
      expect(meta).toMatchObject({
        task: 'classification',
        ctx: { classes: ['cats', 'dogs'] },
        inputSize: 64,
        preprocessing: { kind: 'raw' },
        model: { backbone: 'mobilenet_v3', preset: 'binary', weights: 'pretrained' },
        metrics: { val_accuracy: summary.val.accuracy, test_accuracy: summary.test.accuracy },
      });
    });

    it('predicts a real photo as JSON with class probabilities', async () => {
      const { archive, close } = await openDataset(CATS_DOGS);
      const image = path.join(tmp, 'dog.jpg');
      writeFileSync(image, await archive.read('test/dogs/dog.4043.jpg'));
      await close();
      const r = cli('predict', '--model', modelDir, '--image', image);
      expect(r.code).toBe(0);
      const p = JSON.parse(r.stdout);
      expect(p).toMatchObject({ image, task: 'classification', classes: ['cats', 'dogs'] });
      expect(p.probs).toHaveLength(2);
      for (const prob of p.probs) {
        expect(prob).toBeGreaterThanOrEqual(0);
        expect(prob).toBeLessThanOrEqual(1);
      }
      expect(p.probs[0] + p.probs[1]).toBeCloseTo(1, 6);
      expect(p.label).toBe(p.probs[1] > p.probs[0] ? 1 : 0);
    });

    it('evaluates the saved model to the same figures train printed, on the same splits', () => {
      const test = cli('evaluate', '--model', modelDir, '--data', CATS_DOGS, '--split', 'test');
      expect(test.code).toBe(0);
      expect(test.lines).toHaveLength(1);
      expect(JSON.parse(test.stdout)).toEqual({ task: 'classification', n: 100, accuracy: summary.test.accuracy });
      // val is the seeded 20% of train that `train` validated on.
      const val = cli('evaluate', '--model', modelDir, '--data', CATS_DOGS, '--split', 'val');
      expect(JSON.parse(val.stdout)).toEqual({ task: 'classification', n: 60, accuracy: summary.val.accuracy });
    });

    it('refuses data of another task', () => {
      const r = cli('evaluate', '--model', modelDir, '--data', path.join(DATASETS, 'age-gender.zip'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/holds 'age-gender' data; the model was trained for 'classification'/);
    });
  });

  /** Trains `zip` into tmp at the smallest mobilenet_v3 input: these runs check the wiring, not the accuracy. */
  const trainSmall = (zip: string) =>
    cli('train', '--data', path.join(DATASETS, zip), '--backbone', 'mobilenet_v3', '--input-size', '32', '--epochs', '1', '--out', path.join(tmp, zip));

  /** `evaluate`'s default split of the model trained on `zip`, checked for the task's own metric keys. */
  function expectEvaluates(zip: string, head: { task: string; n: number }, keys: readonly string[]) {
    const r = cli('evaluate', '--model', path.join(tmp, zip), '--data', path.join(DATASETS, zip));
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(Object.keys(e)).toEqual(['task', 'n', ...keys]);
    expect(e).toMatchObject(head);
    for (const k of keys) expect(Number.isFinite(e[k])).toBe(true);
  }

  describe('on facial-keypoints.zip (a keypoints CSV; its splits are named training and test)', () => {
    let trained: ReturnType<typeof cli>;
    beforeAll(() => {
      trained = trainSmall('facial-keypoints.zip');
    }, 240_000);

    it('trains and evaluates with its own metrics', () => {
      expect(trained.code).toBe(0);
      expect(Object.keys(lastJson(trained.stdout).val)).toEqual(['n', 'nme', 'maePx']);
      expectEvaluates('facial-keypoints.zip', { task: 'keypoints', n: 100 }, ['nme', 'maePx']);
    }, 240_000);

    it('evaluates the split by the name inspect prints: --split training is the train split train trained on', () => {
      // No val split in the zip: train kept the seeded 80% of training's 400 images.
      expect(trained.stderr).toMatch(/facial-keypoints\.zip: keypoints, train 320, val 80 \(seeded 20% of train\), test 100;/);
      const r = cli('evaluate', '--model', path.join(tmp, 'facial-keypoints.zip'), '--data', path.join(DATASETS, 'facial-keypoints.zip'), '--split', 'training');
      expect(r.stderr).not.toMatch(/unknown split/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ task: 'keypoints', n: 320 });
    }, 240_000);
  });

  it('train --augment trains facial-keypoints.zip augmented, without the feature cache', () => {
    const r = cli('train', '--data', path.join(DATASETS, 'facial-keypoints.zip'), '--backbone', 'mobilenet_v3', '--input-size', '32', '--epochs', '1', '--augment');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 epochs, augmented;');
    expect(r.stderr).not.toContain('feature cache:');
    expect(Object.keys(lastJson(r.stdout).val)).toEqual(['n', 'nme', 'maePx']);
  }, 240_000);

  it('trains and evaluates age-gender.zip with its own metrics', () => {
    const trained = trainSmall('age-gender.zip');
    expect(trained.code).toBe(0);
    expect(Object.keys(lastJson(trained.stdout).val)).toEqual(['n', 'ageMae', 'genderAccuracy']);
    // age-gender.zip has a val split and no test split: evaluate falls back to val.
    expectEvaluates('age-gender.zip', { task: 'age-gender', n: 100 }, ['ageMae', 'genderAccuracy']);
  }, 240_000);

  describe('a JPEG cut in half (its header reads, its pixels do not) in train/ and in test/', () => {
    const CUT = ['train/cats/cut-cat.jpg', 'test/dogs/cut-dog.jpg'];
    let zip: string;
    let modelDir: string;
    let trained: ReturnType<typeof cli>;
    beforeAll(async () => {
      // A handful of real cats-dogs images: 4 + 4 to train on, 2 + 2 to test on, and the two cut ones.
      const { archive, close } = await openDataset(CATS_DOGS);
      const files: Zippable = {};
      try {
        const paths = archive.entries.map((e) => e.path).sort();
        for (const folder of ['train/cats/', 'train/dogs/', 'test/cats/', 'test/dogs/']) {
          for (const p of paths.filter((p) => p.startsWith(folder) && p.endsWith('.jpg')).slice(0, folder.startsWith('train') ? 4 : 2)) {
            files[p] = await archive.read(p);
          }
        }
        for (const cut of CUT) {
          const whole = await archive.read(paths.find((p) => p.startsWith(cut.slice(0, cut.lastIndexOf('/') + 1)) && p.endsWith('.jpg') && !files[p])!);
          files[cut] = whole.subarray(0, whole.length >> 1);
        }
      } finally {
        await close();
      }
      zip = path.join(tmp, 'cut.zip');
      modelDir = path.join(tmp, 'cut-model');
      writeFileSync(zip, zipSync(files));
      trained = cli('train', '--data', zip, '--backbone', 'mobilenet_v3', '--input-size', '64', '--epochs', '1', '--batch', '2', '--out', modelDir);
    }, 240_000);

    it('train skips it with a problem line naming the file, keeps it out of every split and finishes', () => {
      expect(trained.code).toBe(0);
      for (const cut of CUT) expect(trained.stderr).toMatch(new RegExp(`^  ${cut}: does not decode: .+$`, 'm'));
      expect(trained.stderr).toMatch(/^cut\.zip: 2 skipped, 0 other files ignored$/m);
      // 8 train images: 2 (a seeded 20% per class) validate, 6 train; 4 test images.
      expect(trained.stderr).toMatch(/^cut\.zip: classification, train 6, val 2 \(seeded 20% of train\), test 4;/m);
      expect(lastJson(trained.stdout)).toMatchObject({ val: { n: 2 }, test: { n: 4 } });
    });

    it('evaluate skips it too and scores the rest', () => {
      const r = cli('evaluate', '--model', modelDir, '--data', zip);
      expect(r.stderr).toMatch(/^  test\/dogs\/cut-dog\.jpg: does not decode: .+$/m);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ task: 'classification', n: 4 });
    }, 240_000);
  });

  describe('bad input', () => {
    it('names a missing --data file and exits non-zero', () => {
      const missing = path.join(tmp, 'missing.zip');
      const r = cli('train', '--data', missing, '--epochs', '1');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot read '${missing}': no such file or folder`);
      expect(r.stdout).toBe('');
    });

    it('rejects a preset that does not fit the dataset', () => {
      const r = cli('train', '--data', CATS_DOGS, '--preset', 'keypoints');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--preset keypoints does not fit cats-dogs.zip: it holds 'binary' data, which trains the 'binary' preset/);
    });

    it('rejects a non-numeric --epochs before reading anything', () => {
      const r = cli('train', '--data', CATS_DOGS, '--epochs', 'five');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--epochs takes an integer ≥ 1, got 'five'/);
    });

    it('names the split names evaluate takes when --split is none of them', () => {
      const r = cli('evaluate', '--model', tmp, '--data', CATS_DOGS, '--split', 'holdout');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^unknown split 'holdout' \(split names: train, training, val, valid, validation, test, testing, all\)\n/);
    });

    it('says a --model folder is no saved model', () => {
      const r = cli('predict', '--model', tmp, '--image', CATS_DOGS);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not a saved model/);
    });
  });
});
