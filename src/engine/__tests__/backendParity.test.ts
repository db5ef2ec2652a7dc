import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKBONE_NAMES, backboneSpec, buildModel, hasBundledWeights } from '../models';
import { NODE_BACKENDS, useBackend } from '../../cli/node/nodeBackends';
import { loadWeightsOption } from '../../cli/weightsOption';
import { fixedImages, smallInputSize } from './fixtures';

/** The model's pooled trunk features and its binary-head output: what every backend must agree on. */
function featuresAndOutput(model: tf.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const probe = tf.model({ inputs: model.inputs, outputs: [model.getLayer('avgpool').output as tf.SymbolicTensor, model.outputs[0]] });
  return probe.predict(x) as tf.Tensor[];
}

describe('forward pass on cpu, wasm and webgpu', () => {
  afterAll(() => tf.disposeVariables());

  it.each(BACKBONE_NAMES)('gives the same %s output on every backend within 1e-4', async (backbone) => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const size = smallInputSize(backbone);
    const model = buildModel({ backbone, preset: 'binary', inputSize: size });
    if (hasBundledWeights(backbone)) await loadWeightsOption(model, backboneSpec(backbone), 'pretrained');
    const x = fixedImages(1, size, backbone);
    const results: Record<string, number[][]> = {};
    for (const backend of NODE_BACKENDS) {
      await useBackend(backend);
      const outs = featuresAndOutput(model, x);
      results[backend] = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
      tf.dispose(outs);
    }
    await useBackend('cpu');
    const [features] = results.cpu;
    const magnitude = Math.max(...features.map(Math.abs));
    for (const backend of ['wasm', 'webgpu']) {
      const diffs = results[backend].map((out, i) => Math.max(...out.map((v, j) => Math.abs(v - results.cpu[i][j]))));
      console.log(`${backbone} ${backend} vs cpu: features max |Δ| ${diffs[0].toExponential(2)} (max |feature| ${magnitude.toFixed(2)}), output |Δ| ${diffs[1].toExponential(2)}`);
      expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-4);
    }
    expect(magnitude).toBeGreaterThan(0.01);
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
