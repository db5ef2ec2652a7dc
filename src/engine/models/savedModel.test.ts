import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { calibrateBatchNorm, fixedImages } from '../__tests__/fixtures';
import { buildModel, type ModelConfig } from '.';
import { loadSavedModel, readSavedModelMeta, saveModel, SAVED_MODEL_FILES } from './savedModel';

async function outputsOf(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array[]> {
  const out = model.predict(x);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(list);
  return values;
}

const CASES: { title: string; config: ModelConfig; task: 'classification' | 'age-gender' }[] = [
  {
    title: 'resnet18 + binary at 32² (BatchNorm statistics of a real batch, layer4.1 unfrozen)',
    config: { backbone: 'resnet18', preset: 'binary', inputSize: 32, weights: 'random', freezeOps: [{ op: 'unfreeze', path: 'layer4.1' }] },
    task: 'classification',
  },
  {
    title: 'mobilenet_v3 + binary at 64² (squeeze-excite, hard-swish, adaptive pool, feature scale)',
    config: { backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64, weights: 'random' },
    task: 'classification',
  },
  {
    title: 'resnet18 + age-gender at 32² (two outputs)',
    config: { backbone: 'resnet18', preset: 'age-gender', inputSize: 32, weights: 'random' },
    task: 'age-gender',
  },
];

describe('saveModel / loadSavedModel', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => tf.disposeVariables());

  it.each(CASES)('round-trips $title with identical predictions and frozen flags', async ({ config, task }) => {
    const before = tf.memory().numTensors;
    const model = buildModel(config);
    const x = fixedImages(3, config.inputSize!, config.backbone);
    // Non-default moving statistics: a loaded model that lost them would predict differently.
    await calibrateBatchNorm(model, x);
    const ctx = task === 'classification' ? { classes: ['cats', 'dogs'] } : { lossWeights: { age: 1, gender: 1 } };

    const files = await saveModel(model, { model: config, task, ctx, metrics: { val_acc: 0.5 } });
    expect(Object.keys(files).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
    const weightBytes = model.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)! * 4, 0);
    expect(files['weights.bin'].byteLength).toBe(weightBytes);

    const { model: loaded, meta } = await loadSavedModel(files);
    expect(meta).toMatchObject({ model: config, task, ctx, inputSize: config.inputSize, metrics: { val_acc: 0.5 } });
    expect(loaded.name).toBe(model.name);
    expect(loaded.layers.map((l) => [l.name, l.trainable])).toEqual(model.layers.map((l) => [l.name, l.trainable]));
    // The mix is real: some layers train, some do not.
    expect(new Set(model.layers.filter((l) => l.weights.length > 0).map((l) => l.trainable))).toEqual(new Set([true, false]));
    expect(loaded.trainableWeights.length).toBe(model.trainableWeights.length);

    const [expected, actual] = [await outputsOf(model, x), await outputsOf(loaded, x)];
    expect(actual.length).toBe(task === 'age-gender' ? 2 : 1);
    actual.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(expected[i])));

    x.dispose();
    model.dispose();
    const whileLoaded = tf.memory().numTensors;
    loaded.dispose();
    expect(whileLoaded).toBeGreaterThan(before);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes a standard tfjs model.json whose one shard is weights.bin', async () => {
    const config: ModelConfig = { backbone: 'mobilenet_v3', preset: 'binary', inputSize: 32, weights: 'random' };
    const model = buildModel(config);
    const files = await saveModel(model, { model: config, task: 'classification', ctx: { classes: ['a', 'b'] }, created: '2024-01-02T03:04:05.000Z' });
    model.dispose();
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.modelTopology.class_name).toBe('Model');
    const meta = readSavedModelMeta(files);
    expect(meta).toMatchObject({ version: 1, inputSize: 32, preprocessing: { kind: 'raw' }, created: '2024-01-02T03:04:05.000Z', metrics: {} });
  });

  it('names the missing file when a saved model is incomplete', async () => {
    const config: ModelConfig = { backbone: 'mobilenet_v3', preset: 'binary', inputSize: 32, weights: 'random' };
    const model = buildModel(config);
    const files = await saveModel(model, { model: config, task: 'classification', ctx: { classes: ['a', 'b'] } });
    model.dispose();
    const before = tf.memory().numTensors;
    const { [SAVED_MODEL_FILES.weights]: _weights, ...noWeights } = files;
    await expect(loadSavedModel(noWeights)).rejects.toThrow(/'weights.bin', which is missing/);
    const { [SAVED_MODEL_FILES.meta]: _meta, ...noMeta } = files;
    await expect(loadSavedModel(noMeta)).rejects.toThrow(/studio.json is missing/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses truncated, padded or NaN weights and a studio.json whose task does not fit, naming the file', async () => {
    const config: ModelConfig = { backbone: 'mobilenet_v3', preset: 'binary', inputSize: 32, weights: 'random' };
    const model = buildModel(config);
    const files = await saveModel(model, { model: config, task: 'classification', ctx: { classes: ['a', 'b'] } });
    model.dispose();
    const before = tf.memory().numTensors;
    const weights = files[SAVED_MODEL_FILES.weights];
    const n = weights.byteLength;
    const withWeights = (bytes: Uint8Array) => ({ ...files, [SAVED_MODEL_FILES.weights]: bytes });
    const bytesError = (got: number) => new RegExp(`^weights\\.bin holds ${got} bytes; model\\.json describes \\d+ weights in ${n} bytes`);
    await expect(loadSavedModel(withWeights(weights.slice(0, n >> 1)))).rejects.toThrow(bytesError(n >> 1));
    await expect(loadSavedModel(withWeights(new Uint8Array(0)))).rejects.toThrow(bytesError(0));
    await expect(loadSavedModel(withWeights(new Uint8Array(n + 8)))).rejects.toThrow(bytesError(n + 8));

    const nan = weights.slice();
    new Float32Array(nan.buffer, 0, 4).fill(NaN);
    await expect(loadSavedModel(withWeights(nan))).rejects.toThrow(/^weights\.bin: weight '[^']+' holds 4 NaN or infinite values of \d+; the model cannot predict$/);

    const meta = JSON.parse(new TextDecoder().decode(files[SAVED_MODEL_FILES.meta]));
    const withMeta = (m: object) => ({ ...files, [SAVED_MODEL_FILES.meta]: new TextEncoder().encode(JSON.stringify({ ...meta, ...m })) });
    await expect(loadSavedModel(withMeta({ task: 'keypoints', ctx: { points: 68 } }))).rejects.toThrow(
      "studio.json says 'keypoints' with 68 points, which needs outputs of width [136]; model.json's network gives [1]: the two files do not belong together",
    );
    await expect(loadSavedModel(withMeta({ ctx: { classes: ['a', 'b', 'c'] } }))).rejects.toThrow(/with 3 classes, which needs outputs of width \[3\]/);
    await expect(loadSavedModel(withMeta({ task: 'age-gender' }))).rejects.toThrow(/needs outputs of width \[1,1\]/);
    await expect(loadSavedModel(withMeta({ task: 'segmentation' }))).rejects.toThrow("studio.json names the task 'segmentation'");
    // Nothing is left behind by a refused model.
    expect(tf.memory().numTensors).toBe(before);
    const { model: ok } = await loadSavedModel(files);
    ok.dispose();
  });
});
