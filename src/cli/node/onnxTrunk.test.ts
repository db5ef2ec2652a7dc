import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallRun } from '../../engine/__tests__/trainData';
import { BACKBONE_NAMES, backboneSpec, buildModel, type BackboneName } from '../../engine/models';
import { buildFeatureCache, fit, loadImages, memoryFeatureStore, splitFrozenPrefix, type FeatureCache, type TrunkRunnerFactory } from '../../engine/train';
import { useBackend } from './nodeBackends';
import { onnxTrunkRunner } from './onnxTrunk';

/** Small sizes each trunk takes (mobilenet_v3's adaptive pool and face_resnet's smallest input as in toOnnx.test). */
const SIZE: Record<BackboneName, number> = { vgg16: 48, resnet18: 48, resnet34: 48, mobilenet_v3: 96, face_resnet: 112, face_dense: 64, face_xception: 64 };

/** Every cached feature of `a` and `b`, item by item: the largest difference relative to the largest magnitude. */
async function relativeDifference(a: FeatureCache, b: FeatureCache, paths: string[]): Promise<number> {
  let diff = 0;
  let scale = 1;
  for (const path of paths) {
    const [x, y] = await Promise.all([a.store.get(path), b.store.get(path)]);
    expect(y.length).toBe(x.length);
    x.forEach((part, k) => {
      const other = y[k];
      expect(other.length).toBe(part.length);
      for (let i = 0; i < part.length; i++) {
        scale = Math.max(scale, Math.abs(part[i]));
        diff = Math.max(diff, Math.abs(part[i] - other[i]));
      }
    });
  }
  return diff / scale;
}

describe('the frozen trunk on onnxruntime-node', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => tf.disposeVariables());

  // 6 real cats-dogs images in batches of 4: a full batch and a smaller last one.
  it.each(BACKBONE_NAMES)('%s: fills the feature cache with the tfjs trunk\'s features within 1e-4', async (backbone) => {
    const size = SIZE[backbone];
    const { data, close } = await smallRun('classification', backbone, size, { nTrain: 4, nVal: 2 });
    const before = tf.memory().numTensors;
    const model = buildModel({ backbone, preset: 'binary', inputSize: size, weights: 'random' });
    const split = splitFrozenPrefix(model);
    try {
      const prefix = split.prefix!;
      const items = [...data.splits.train, ...data.splits.val];
      const images = { inputSize: size, preprocessing: backboneSpec(backbone).preprocessing, decoder: data.decoder };
      const build = (trunkRunner?: TrunkRunnerFactory) =>
        buildFeatureCache(prefix, items, (batch) => loadImages(data.archive, batch, images), { store: memoryFeatureStore(), precision: 'float32', batchSize: 4, trunkRunner });
      const onTfjs = await build();
      const onOnnx = await build(onnxTrunkRunner);
      expect(onTfjs.trunk).toBe('tfjs wasm');
      expect(onOnnx.trunk).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ \(cpu, \d+ threads?\)$/);
      expect(onOnnx.shapes).toEqual(onTfjs.shapes);
      expect(await relativeDifference(onTfjs, onOnnx, items.map((item) => item.path))).toBeLessThanOrEqual(1e-4);
    } finally {
      split.release();
      model.dispose();
      await close();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains to the same val metrics from either cache (resnet18 at 48², 2 epochs)', async () => {
    const trainOn = async (trunkRunner?: TrunkRunnerFactory) => {
      const { data, config, close } = await smallRun('classification', 'resnet18', 48, { nTrain: 16, nVal: 8 }, { batchSize: 4, epochs: 2, featureCache: true });
      const model = buildModel(config.model);
      try {
        return await fit(model, data, config, { featurePrecision: 'float32', trunkRunner }).done;
      } finally {
        model.dispose();
        await close();
      }
    };
    const before = tf.memory().numTensors;
    const tfjs = await trainOn();
    const onnx = await trainOn(onnxTrunkRunner);
    expect(tf.memory().numTensors).toBe(before);
    expect(tfjs.cache?.trunk).toBe('tfjs wasm');
    expect(onnx.cache?.trunk).toMatch(/^onnxruntime-node/);
    expect(onnx.history).toHaveLength(2);
    onnx.history.forEach((evaluation, epoch) => {
      const want = tfjs.history[epoch];
      expect(evaluation.n).toBe(want.n);
      for (const [metric, value] of Object.entries(want.metrics)) expect(Math.abs(evaluation.metrics[metric] - value)).toBeLessThanOrEqual(0.01);
    });
    const valLoss = (r: typeof tfjs) => r.report.reportAvgs(2).val_loss;
    expect(Math.abs(valLoss(onnx) - valLoss(tfjs))).toBeLessThanOrEqual(0.01);
  });
});
