import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/nodeBackends';
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
});
