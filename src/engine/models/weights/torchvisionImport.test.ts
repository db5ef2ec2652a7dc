import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../buildModel';
import { linear, torchConv2d, torchFlatten } from '../layers/torchLayers';
import { encodeSafetensors } from './safetensors';
import { importTorchvision } from './torchvisionImport';

const TORCH_NAME: Record<string, string> = {
  kernel: 'weight', bias: 'bias', gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var',
};

/** The model's weights as a torchvision state dict, laid out with tf.transpose (independently of the importer). */
function stateDictOf(model: tf.LayersModel, skip: (key: string) => boolean = () => false) {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {};
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const role = w.originalName.split('/').pop()!;
      const key = `${layer.name}.${TORCH_NAME[role]}`;
      if (skip(key)) continue;
      const t = tf.tidy(() => {
        const v = w.read();
        if (role !== 'kernel') return v.clone();
        return v.rank === 4 ? tf.transpose(v, [3, 2, 0, 1]) : tf.transpose(v);
      });
      out[key] = { shape: t.shape, values: t.dataSync() as Float32Array };
      t.dispose();
    }
    if (layer.getClassName() === 'BatchNormalization') out[`${layer.name}.num_batches_tracked`] = { shape: [], values: new Float32Array([0]) };
  }
  return out;
}

/** Max |a − b| over all weights of two models of the same architecture. */
function maxWeightDiff(a: tf.LayersModel, b: tf.LayersModel): number {
  return tf.tidy(() => Math.max(...a.getWeights().map((w, i) => tf.max(tf.abs(tf.sub(w, b.getWeights()[i]))).dataSync()[0])));
}

describe('importTorchvision', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('puts every conv, BatchNorm and Linear weight where torchvision has it (resnet18, original head)', () => {
    const before = tf.memory().numTensors;
    const source = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    // BatchNorm statistics that are not 0/1, so that a swap would show.
    for (const layer of source.layers) {
      if (layer.getClassName() !== 'BatchNormalization') continue;
      const values = layer.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5 + i, 1 + i));
      layer.setWeights(values);
      tf.dispose(values);
    }
    const target = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    const report = importTorchvision(target, encodeSafetensors(stateDictOf(source)));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.loaded).toContain('layer2.0.downsample.1.running_var');
    expect(report.loaded).toContain('fc.weight');
    expect(report.loaded.some((k) => k.endsWith('num_batches_tracked'))).toBe(false);
    expect(maxWeightDiff(source, target)).toBe(0);
    // One conv weight checked by index: torch [o, i, h, w] is tfjs [h, w, i, o].
    const k = target.getLayer('conv1').getWeights()[0].arraySync() as number[][][][];
    const dict = stateDictOf(source);
    expect(k[2][5][1][7]).toBe(dict['conv1.weight'].values[((7 * 3 + 1) * 7 + 2) * 7 + 5]);
    source.dispose();
    target.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('skips the file\'s head under a new preset, and reports missing and unexpected keys by name', () => {
    const before = tf.memory().numTensors;
    const source = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    const dict = stateDictOf(source, (key) => key === 'layer4.1.bn2.running_var');
    dict['extra.weight'] = { shape: [1], values: new Float32Array([1]) };
    const target = buildModel({ backbone: 'resnet18', preset: 'binary', inputSize: 32 });
    const head = target.getLayer('fc.1').getWeights()[0].clone();
    const report = importTorchvision(target, encodeSafetensors(dict));
    expect(report.missing).toEqual(['layer4.1.bn2.running_var']);
    expect(report.unexpected).toEqual(['extra.weight']);
    expect(report.skipped).toEqual(['fc.weight', 'fc.bias']);
    expect(tf.tidy(() => tf.equal(head, target.getLayer('fc.1').getWeights()[0]).all().dataSync()[0])).toBe(1);
    // Only the backbone in the file (head keys absent) is fine for the original preset too: they are missing.
    const trunkOnly = stateDictOf(source, (key) => key.startsWith('fc.'));
    const original = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    expect(importTorchvision(original, encodeSafetensors(trunkOnly)).missing).toEqual(['fc.weight', 'fc.bias']);
    tf.dispose(head);
    [source, target, original].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws naming each mismatched key and both shapes, setting nothing', () => {
    const before = tf.memory().numTensors;
    const model = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    const dict = stateDictOf(model);
    dict['conv1.weight'] = { shape: [64, 3, 3, 3], values: new Float32Array(64 * 27) };
    dict['bn1.weight'] = { shape: [32], values: new Float32Array(32) };
    const target = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    const kept = target.getLayer('layer1.0.conv1').getWeights()[0].clone();
    expect(() => importTorchvision(target, encodeSafetensors(dict))).toThrow(
      /'conv1\.weight': the file has \[64,3,3,3\], the model needs \[64,3,7,7\][\s\S]*'bn1\.weight': the file has \[32\], the model needs \[64\]/,
    );
    expect(tf.tidy(() => tf.equal(kept, target.getLayer('layer1.0.conv1').getWeights()[0]).all().dataSync()[0])).toBe(1);
    tf.dispose(kept);
    model.dispose();
    target.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads timm\'s vgg16.tv_in1k layout (conv-shaped pre_logits, head.fc) and a DataParallel module. prefix', () => {
    const before = tf.memory().numTensors;
    // A VGG-shaped miniature (VGG16's own 120M-parameter head would make this test slow): a 2×2×4 map flattened
    // NCHW, then classifier.0 / .3 / .6 as timm stores them: a 2×2 conv, a 1×1 conv and head.fc.
    const tiny = () => {
      const input = tf.input({ shape: [2, 2, 3] });
      let x = torchConv2d(input, 'features.0', { filters: 4, kernel: 3, padding: 1 });
      x = torchFlatten(x, 'classifier');
      x = linear(linear(linear(x, 'classifier.0', 5), 'classifier.3', 5), 'classifier.6', 3);
      return tf.model({ inputs: input, outputs: x, name: 'vgg16+original' });
    };
    const source = tiny();
    const renamed: Record<string, { shape: number[]; values: Float32Array }> = {};
    for (const [k, v] of Object.entries(stateDictOf(source))) {
      const name = k.replace(/^classifier\.0\./, 'pre_logits.fc1.').replace(/^classifier\.3\./, 'pre_logits.fc2.').replace(/^classifier\.6\./, 'head.fc.');
      const shape = name === 'pre_logits.fc1.weight' ? [5, 4, 2, 2] : name === 'pre_logits.fc2.weight' ? [5, 5, 1, 1] : v.shape;
      renamed[`module.${name}`] = { shape, values: v.values };
    }
    const target = tiny();
    const report = importTorchvision(target, encodeSafetensors(renamed));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.loaded).toContain('classifier.0.weight');
    expect(maxWeightDiff(source, target)).toBe(0);
    source.dispose();
    target.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
