import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../cli/node/nodeBackends';
import { readGraphArtifacts } from '../../../cli/readGraphArtifacts';
import { modulePath } from '../modulePath';
import { centernetToLayerWeights, loadMobilenetV3Weights } from '../weights/centernetWeights';
import { mobilenetV3 } from './mobilenetV3';

const CENTERNET_JSON = 'node_modules/@vladmandic/human/models/centernet.json';
const LAST_NODE = 'tower_0/MobilenetV3/expanded_conv_14/add';
const SIZE = 512;

/** A smooth colour pattern plus seeded noise, 0..255, NHWC with batch 1 (deterministic, no image decoder). */
function syntheticImage(size: number, seed = 1234): tf.Tensor4D {
  let state = seed >>> 0;
  const rand = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const u = x / size;
      const v = y / size;
      data[i] = 128 + 100 * Math.sin(6 * u + 2 * v) + 20 * (rand() - 0.5);
      data[i + 1] = 128 + 100 * Math.cos(4 * v - 3 * u * v) + 20 * (rand() - 0.5);
      data[i + 2] = 255 * ((u + v) / 2) * (0.9 + 0.1 * rand());
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, data[i]));
  return tf.tensor4d(data, [1, size, size, 3]);
}

function buildTrunkModel(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3] });
  return tf.model({ inputs: input, outputs: mobilenetV3.buildTrunk(input).output });
}

describe('mobilenetV3', () => {
  let artifacts: tf.io.ModelArtifacts;

  beforeAll(async () => {
    await useBackend('cpu');
    artifacts = await readGraphArtifacts(CENTERNET_JSON);
  });

  it('matches the CenterNet graph at expanded_conv_14/add and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const model = buildTrunkModel();
    loadMobilenetV3Weights(model, artifacts);
    const image = syntheticImage(SIZE);

    const t0 = performance.now();
    const expected = graph.execute(image, LAST_NODE) as tf.Tensor4D;
    const t1 = performance.now();
    const actual = model.predict(image) as tf.Tensor4D;
    const t2 = performance.now();
    const [maxDiff, magnitude] = tf.tidy(() => [
      tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0],
      tf.max(tf.abs(expected)).dataSync()[0],
    ]);
    console.log(
      `expanded_conv_14: shape [${actual.shape}], max |graph| ${magnitude.toFixed(3)}, max abs diff ${maxDiff.toExponential(3)}; ` +
        `params ${model.countParams()}; graph ${(t1 - t0).toFixed(0)} ms, layers ${(t2 - t1).toFixed(0)} ms`,
    );
    expect(actual.shape).toEqual([1, SIZE / 32, SIZE / 32, 120]);
    expect(expected.shape).toEqual(actual.shape);
    expect(magnitude).toBeGreaterThan(1);
    expect(maxDiff).toBeLessThanOrEqual(1e-3);

    tf.dispose([expected, actual, image]);
    model.dispose();
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names its layers by the graph: top-level modules are trunkModules, every weighted layer is mapped', () => {
    const before = tf.memory().numTensors;
    const model = buildTrunkModel();
    const byName = centernetToLayerWeights(artifacts);
    try {
      const inputName = model.inputLayers[0].name;
      const tops = new Set(model.layers.filter((l) => l.name !== inputName).map((l) => modulePath(l.name).split('.')[0]));
      expect([...tops]).toEqual(mobilenetV3.trunkModules);
      const weighted = model.layers.filter((l) => l.weights.length > 0).map((l) => modulePath(l.name));
      expect(weighted.filter((p) => !byName.has(p))).toEqual([]);
      expect([...byName.keys()].sort()).toEqual([...weighted].sort());
      expect(mobilenetV3.containerType('expanded_conv_3')).toBe('InvertedResidual');
      expect(mobilenetV3.containerType('expanded_conv_3.squeeze_excite')).toBe('SqueezeExcite');
    } finally {
      for (const t of byName.values()) tf.dispose(t);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws naming unmapped layers and mismatched shapes', () => {
    const before = tf.memory().numTensors;
    const input = tf.input({ shape: [32, 32, 3] });
    let x = tf.layers.conv2d({ name: 'Conv', filters: 8, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ name: 'expanded_conv_3.bogus', filters: 4, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    expect(() => loadMobilenetV3Weights(model, artifacts)).toThrow(/'Conv'.*\[3,3,3,8\] vs graph \[3,3,3,16\]/);
    expect(() => loadMobilenetV3Weights(model, artifacts)).toThrow(/'expanded_conv_3\.bogus' has no counterpart/);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
