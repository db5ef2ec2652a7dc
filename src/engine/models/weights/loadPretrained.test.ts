import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileWeightSource, PUBLIC_WEIGHTS_DIR } from '../../../cli/fileWeightSource';
import { useBackend } from '../../../cli/node/nodeBackends';
import { readGraphArtifacts } from '../../../cli/readGraphArtifacts';
import { prepareWeights } from '../../../../scripts/prepare-weights';
import { buildModel } from '../buildModel';
import { loadFaceResnetWeights } from './faceApiWeights';
import { loadPretrained } from './loadPretrained';
import type { WeightSource } from './weightSource';
import { formatWeightsInfo } from './weightsInfo';
import type { WeightsManifest } from './weightsManifest';

const CENTERNET_JSON = 'node_modules/@vladmandic/human/models/centernet.json';
const FACE_API_DIR = 'node_modules/@vladmandic/face-api/model';

/** A smooth pattern with a little hash noise, 0..255, NHWC batch 1: deterministic, no decoder. */
function image(size: number): tf.Tensor4D {
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < data.length; i++) {
    const p = Math.floor(i / 3);
    const [x, y, c] = [(p % size) / size, Math.floor(p / size) / size, i % 3];
    const noise = ((Math.imul(i, 2654435761) >>> 0) / 2 ** 32 - 0.5) * 20;
    data[i] = Math.min(255, Math.max(0, 128 + 100 * Math.sin(6 * x * (c + 1) + 3 * y) + noise));
  }
  return tf.tensor4d(data, [1, size, size, 3]);
}

describe('loadPretrained', () => {
  const source = fileWeightSource();

  beforeAll(async () => {
    await useBackend('cpu');
    // Idempotent: writes public/weights/<name>/ only where it is missing or stale (npm ci's postinstall did it).
    await prepareWeights({ only: ['mobilenet_v3', 'face_resnet'] });
  });

  it('gives the CenterNet graph\'s expanded_conv_14 activations at 512² from public/weights', async () => {
    const before = tf.memory().numTensors;
    const artifacts = await readGraphArtifacts(CENTERNET_JSON);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 512 });
    const progress: number[] = [];
    const info = await loadPretrained(model, source, { onProgress: (p) => progress.push(p.loaded / p.total) });
    const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer('expanded_conv_14.add').output });

    const x = image(512);
    const expected = graph.execute(x, 'tower_0/MobilenetV3/expanded_conv_14/add') as tf.Tensor;
    const actual = trunk.predict(x) as tf.Tensor;
    const stats = tf.tidy(() => [tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))]);
    const [diff, magnitude] = await Promise.all(stats.map(async (t) => (await t.data())[0]));
    console.log(`mobilenet_v3 from public/weights vs graph @512²: max |Δ| = ${diff.toExponential(3)} (max |graph| ${magnitude.toFixed(2)}); ${formatWeightsInfo(info)}`);
    expect(actual.shape).toEqual([1, 16, 16, 120]);
    expect(magnitude).toBeGreaterThan(1);
    expect(diff).toBeLessThanOrEqual(1e-3);
    expect(info).toEqual({ pretrained: true, source: '@vladmandic/human 3.3.6 — CenterNet MobileNetV3 (COCO)' });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);

    tf.dispose([x, expected, actual, ...stats]);
    model.dispose();
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads face_resnet exactly as face-api\'s weights, head included under the original preset', async () => {
    const before = tf.memory().numTensors;
    const manifest = JSON.parse(readFileSync(path.join(FACE_API_DIR, 'face_recognition_model-weights_manifest.json'), 'utf8'));
    const bin = readFileSync(path.join(FACE_API_DIR, 'face_recognition_model.bin'));
    const reference = buildModel({ backbone: 'face_resnet', preset: 'original' });
    loadFaceResnetWeights(reference, manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
    const model = buildModel({ backbone: 'face_resnet', preset: 'original' });
    await loadPretrained(model, source);
    const a = reference.getWeights();
    const b = model.getWeights();
    expect(b.length).toBe(a.length);
    const worst = tf.tidy(() => Math.max(...a.map((w, i) => tf.max(tf.abs(tf.sub(w, b[i]))).dataSync()[0])));
    expect(worst).toBe(0);
    reference.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fills the trunk and leaves a preset\'s new head as built', async () => {
    const before = tf.memory().numTensors;
    const model = buildModel({ backbone: 'face_resnet', preset: 'binary' });
    const head = model.getLayer('classifier.1').getWeights().map((w) => w.clone());
    await loadPretrained(model, source);
    const same = tf.tidy(() => head.every((w, i) => tf.equal(w, model.getLayer('classifier.1').getWeights()[i]).all().dataSync()[0] === 1));
    expect(same).toBe(true);
    tf.dispose(head);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a corrupted shard and a backbone without bundled weights, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const corrupt: WeightSource = {
      location: 'memory:',
      async read(file, onBytes) {
        const bytes = await source.read(file, onBytes);
        if (file.endsWith('.bin')) new Uint8Array(bytes)[100] ^= 0xff;
        return bytes;
      },
    };
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64 });
    await expect(loadPretrained(model, corrupt)).rejects.toThrow(/group1-shard1of2\.bin does not match its manifest's sha256/);
    model.dispose();
    const vgg = buildModel({ backbone: 'vgg16', preset: 'binary', inputSize: 32 });
    await expect(loadPretrained(vgg, source)).rejects.toThrow(/vgg16 has no bundled weights/);
    vgg.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds every prepared folder up to date on a second run, each manifest naming package, version and licence', async () => {
    const results = await prepareWeights();
    expect(results.map((r) => [r.name, r.status])).toEqual(
      ['mobilenet_v3', 'face_resnet', 'face_dense', 'face_xception', 'face_landmark_68', 'age_gender', 'blazeface', 'facemesh'].map((n) => [n, expect.any(String)]),
    );
    expect((await prepareWeights()).every((r) => r.status === 'up to date')).toBe(true);
    for (const r of results) {
      const manifest = JSON.parse(readFileSync(path.join(PUBLIC_WEIGHTS_DIR, r.name, 'manifest.json'), 'utf8')) as WeightsManifest;
      expect(manifest.source.license).toBe('MIT');
      expect(manifest.source.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.files.every((f) => f.bytes <= 4 * 2 ** 20 && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
      console.log(`${r.name}: ${manifest.format}, ${manifest.files.length} files, ${(r.bytes / 2 ** 20).toFixed(2)} MiB, ${manifest.source.package} ${manifest.source.version}`);
    }
  });
});
