import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeOrtWasmDir } from '../backend/ortWasmPaths';
import { buildModel } from '../models';
import { onnxWebTrunkRunner } from './onnxWebTrunk';
import { splitFrozenPrefix } from './splitFrozenPrefix';
import { tfjsTrunkRunner } from './tfjsTrunkRunner';
import { withFallback } from './trunkFallback';
import type { TrunkRunnerFactory } from './trunkRunner';

/** onnxruntime-web's own wasm build, run by Node from node_modules (the studio serves the same two files). */
const onnxWeb = onnxWebTrunkRunner({ wasmPath: nodeOrtWasmDir(createRequire(import.meta.url).resolve), threads: 1 });

/** Largest |a − b| relative to the largest |a|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / (scale || 1);
}

/** Runs `factory`'s runner on a seeded batch; the tfjs prefix's outputs beside its own, and the tensors left over. */
async function runBoth(prefix: tf.LayersModel, factory: TrunkRunnerFactory, shape: [number, number, number, number]) {
  const input = tf.tidy(() => tf.randomUniform(shape, 0, 1, 'float32', 7).dataSync() as Float32Array);
  const before = tf.memory().numTensors;
  const runner = await factory(prefix);
  const got = await runner.run(input, shape);
  await runner.dispose();
  const leaked = tf.memory().numTensors - before;
  const expected = tf.tidy(() => {
    const y = prefix.predict(tf.tensor(input, shape));
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
  return { runner, got, expected, leaked };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('onnxWebTrunkRunner', () => {
  it("runs resnet18's frozen trunk on onnxruntime-web's wasm build: NHWC features equal to tfjs's within 1e-4", async () => {
    const model = buildModel({ backbone: 'resnet18', preset: 'binary', inputSize: 32, weights: 'random' });
    const { prefix, release } = splitFrozenPrefix(model);
    try {
      const { runner, got, expected, leaked } = await runBoth(prefix!, onnxWeb, [3, 32, 32, 3]);
      expect(runner.engine).toBe('onnx');
      expect(runner.label).toBe('onnxruntime-web 1.30.0 (wasm, simd, 1 thread)');
      expect(got).toHaveLength(1);
      expect(got[0]).toHaveLength(expected[0].length);
      expect(relDiff(expected[0], got[0])).toBeLessThan(1e-4);
      expect(leaked).toBe(0);
    } finally {
      release();
      model.dispose();
    }
  }, 120_000);

  it("gives a prefix's several outputs in its output order, a 4-D feature map back in NHWC", async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', trainable: false, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, trainable: false, name: 'b' }).apply(a) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(a) as tf.SymbolicTensor;
    const headB = tf.layers.flatten().apply(tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'head_b' }).apply(b) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'out' }).apply(tf.layers.concatenate().apply([pooled, headB]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const { prefix, release } = splitFrozenPrefix(model);
    try {
      expect(prefix!.outputs.map((t) => t.shape)).toEqual([[null, 3, 3, 6], [null, 4]]);
      const { got, expected, leaked } = await runBoth(prefix!, onnxWeb, [2, 8, 8, 3]);
      expect(got.map((o) => o.length)).toEqual([2 * 3 * 3 * 6, 2 * 4]);
      expected.forEach((e, k) => expect(relDiff(e, got[k]), prefix!.outputNames[k]).toBeLessThan(1e-4));
      expect(leaked).toBe(0);
    } finally {
      release();
      model.dispose();
    }
  }, 60_000);
});

describe('withFallback', () => {
  it('falls back to tfjs, with the reason in one line, when the prefix has a layer ONNX export does not know', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(
      tf.layers.conv2d({ filters: 2, kernelSize: 1, trainable: false, name: 'conv' }).apply(input) as tf.SymbolicTensor,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(tf.layers.flatten().apply(up) as tf.SymbolicTensor) as tf.SymbolicTensor });
    const { prefix, release } = splitFrozenPrefix(model);
    const reasons: string[] = [];
    try {
      const { runner, got, expected, leaked } = await runBoth(prefix!, withFallback(onnxWeb, tfjsTrunkRunner, (r) => reasons.push(r)), [2, 4, 4, 3]);
      expect(reasons).toEqual(['up: layer UpSampling2D has no ONNX export yet']);
      expect(runner.engine).toBe('tfjs');
      expect(runner.label).toBe('tfjs cpu');
      expect(relDiff(expected[0], got[0])).toBe(0);
      expect(leaked).toBe(0);
    } finally {
      release();
      model.dispose();
    }
  });
});
