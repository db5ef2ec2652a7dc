import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSavedModel, saveModel, buildModel, backboneSpec } from '../../engine/models';
import { fixedImages } from '../../engine/__tests__/fixtures';
import { writeModelDir, readModelDir } from '../modelDir';
import { useBackend } from '../node/nodeBackends';
import { loadWeightsOption } from '../weightsOption';
import { loadPytorchProject } from '../../engine/export/pytorch';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });

describe('transfer-studio export --format onnx', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'export-'));
  const modelDir = path.join(dir, 'model');
  const out = path.join(dir, 'model.onnx');

  beforeAll(async () => {
    await useBackend('wasm');
    // A two-headed model with pretrained face weights: both outputs must come out of the file.
    const model = buildModel({ backbone: 'face_resnet', preset: 'age-gender', inputSize: 112 });
    await loadWeightsOption(model, backboneSpec('face_resnet'), 'pretrained');
    await writeModelDir(modelDir, await saveModel(model, { model: { backbone: 'face_resnet', preset: 'age-gender', inputSize: 112 }, task: 'age-gender', ctx: { lossWeights: { age: 5, gender: 1 } } }));
    model.dispose();
  }, 120_000);

  it('writes an ONNX file that onnxruntime runs to the saved model outputs, and says what it wrote', async () => {
    const r = cli('export', '--model', modelDir, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ format: 'onnx', out, task: 'age-gender', input: { name: 'input', shape: ['batch', 3, 112, 112] } });
    expect(summary.bytes).toBe(readFileSync(out).length);

    const session = await ort.InferenceSession.create(out);
    expect(session.inputNames).toEqual(['input']);
    const { model } = await loadSavedModel(await readModelDir(modelDir));
    expect(session.outputNames).toEqual(model.outputNames);
    expect(summary.outputs).toEqual(model.outputNames);
    const x = fixedImages(2, 112, 'face_resnet');
    const nchw = tf.tidy(() => x.transpose([0, 3, 1, 2]));
    const got = await session.run({ input: new ort.Tensor('float32', (await nchw.data()) as Float32Array, nchw.shape) });
    const want = model.predict(x) as tf.Tensor[];
    for (const [i, t] of want.entries()) {
      const have = got[model.outputNames[i]].data as Float32Array;
      const expected = await t.data();
      expected.forEach((v, k) => expect(Math.abs(v - have[k])).toBeLessThanOrEqual(1e-4));
    }
    tf.dispose([x, nchw, ...want]);
    model.dispose();
    await session.release();
  }, 240_000);

  it('refuses to overwrite an existing file and exits 2 with the usage', () => {
    expect(existsSync(out)).toBe(true);
    const r = cli('export', '--model', modelDir, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${out}: already exists`);
  }, 240_000);

  it('writes a saved model as a PyTorch folder that reads back into the same network (--format pytorch)', async () => {
    const folder = path.join(dir, 'pytorch');
    const r = cli('export', '--model', modelDir, '--format', 'pytorch', '--out', folder);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'pytorch', out: folder, task: 'age-gender' });
    const saved = await loadSavedModel(await readModelDir(modelDir));
    const exported = loadPytorchProject(await readModelDir(folder));
    expect(exported.meta.ctx).toEqual(saved.meta.ctx);
    const x = fixedImages(1, 112, 'face_resnet');
    const [a, b] = [saved.model.predict(x) as tf.Tensor[], exported.model.predict(x) as tf.Tensor[]];
    for (const [i, t] of a.entries()) expect(Array.from(await b[i].data())).toEqual(Array.from(await t.data()));
    tf.dispose([x, ...a, ...b]);
    saved.model.dispose();
    exported.model.dispose();

    const again = cli('export', '--model', modelDir, '--format', 'pytorch', '--out', folder);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`--out ${folder}: the folder is not empty`);
  }, 240_000);
});

