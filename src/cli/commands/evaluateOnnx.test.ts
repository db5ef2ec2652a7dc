import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../engine/data';
import { toOnnx } from '../../engine/export/onnx/toOnnx';
import { buildModel, saveModel, type ModelConfig } from '../../engine/models';
import { taskContext, taskFor } from '../../engine/tasks';
import { writeModelDir } from '../modelDir';
import { useBackend } from '../node/nodeBackends';
import { openDataset } from '../node/openDataset';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const KEYPOINTS = path.resolve(__dirname, '../../../../shared/datasets/facial-keypoints.zip');
const IMAGE = 'test/Alfredo_di_Stefano_01.jpg';
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

/** Every number in `a` and `b` (nested), which must have the same keys, and the largest difference relative to 1 or the value. */
function largestDifference(a: unknown, b: unknown): number {
  if (typeof a === 'number') return Math.abs(a - (b as number)) / Math.max(1, Math.abs(a));
  if (a && typeof a === 'object') {
    expect(Object.keys(b as object).sort()).toEqual(Object.keys(a).sort());
    return Math.max(0, ...Object.entries(a).map(([k, v]) => largestDifference(v, (b as Record<string, unknown>)[k])));
  }
  expect(b).toEqual(a);
  return 0;
}

// Keypoints: its metrics are continuous, so a wrong layout or preprocessing in the ONNX path shows in every digit.
describe('predict and evaluate --model FILE.onnx', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evaluate-onnx-'));
  const modelDir = path.join(dir, 'model');
  const onnxFile = path.join(dir, 'model.onnx');
  const image = path.join(dir, path.basename(IMAGE));

  beforeAll(async () => {
    await useBackend('wasm');
    const { archive, close } = await openDataset(KEYPOINTS);
    const index = await scanDataset(archive);
    writeFileSync(image, await archive.read(IMAGE));
    await close();
    const ctx = taskContext(index.report);
    const config: ModelConfig = { backbone: 'resnet18', preset: taskFor(index.report.task!).preset(ctx), inputSize: 64, weights: 'random' };
    const model = buildModel(config);
    const files = await saveModel(model, { model: config, task: 'keypoints', ctx });
    await writeModelDir(modelDir, files);
    const meta = JSON.parse(new TextDecoder().decode(files['studio.json']));
    writeFileSync(onnxFile, toOnnx(model, meta));
    model.dispose();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluate gives the saved folder\'s metrics on facial-keypoints.zip', () => {
    const [fromDir, fromOnnx] = [modelDir, onnxFile].map((model) => cli('evaluate', '--model', model, '--data', KEYPOINTS));
    expect(fromOnnx.stderr).toBe(fromDir.stderr);
    expect(fromOnnx.status).toBe(0);
    const [want, have] = [json(fromDir.stdout), json(fromOnnx.stdout)];
    expect(have.task).toBe('keypoints');
    expect(have.n).toBe(want.n);
    expect(largestDifference(want, have)).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('predict gives the saved folder\'s keypoints on a real photo', () => {
    const [fromDir, fromOnnx] = [modelDir, onnxFile].map((model) => cli('predict', '--model', model, '--image', image));
    expect(fromOnnx.status).toBe(0);
    const [want, have] = [json(fromDir.stdout), json(fromOnnx.stdout)];
    expect(have.image).toBe(image);
    // Pixels of the original photo (250 px): 1e-4 of the model's outputs is 0.025 px, under 1e-3 of a coordinate.
    expect(largestDifference(want, have)).toBeLessThanOrEqual(1e-3);
  }, 60_000);

  it('names an .onnx file that is not an exported model', () => {
    const bogus = path.join(dir, 'bogus.onnx');
    writeFileSync(bogus, 'not a protobuf');
    const r = cli('evaluate', '--model', bogus, '--data', KEYPOINTS);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--model ${bogus}: not an ONNX model this studio exported`);
  }, 60_000);
});
