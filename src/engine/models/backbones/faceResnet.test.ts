import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../../cli/node/nodeBackends';
import { isWithin, modulePath } from '../modulePath';
import { faceApiRecognitionWeights, loadFaceResnetWeights } from '../weights/faceApiWeights';
import { faceResnet } from './faceResnet';

const require = createRequire(import.meta.url);
const MODEL_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const manifest = JSON.parse(
  readFileSync(path.join(MODEL_DIR, 'face_recognition_model-weights_manifest.json'), 'utf8'),
) as tf.io.WeightsManifestConfig;
const buffer = readFileSync(path.join(MODEL_DIR, 'face_recognition_model.bin'));
const data = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
const specs = manifest.flatMap((g) => g.weights);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A fixed 150×150 RGB image, integer 0..255, smooth enough to look like a picture. */
function testImage(): tf.Tensor3D {
  const values = new Float32Array(150 * 150 * 3);
  for (let y = 0; y < 150; y++) {
    for (let x = 0; x < 150; x++) {
      for (let c = 0; c < 3; c++) {
        const v = 128 + 90 * Math.sin(0.071 * x + 0.043 * y + 2.1 * c) + 30 * Math.cos(0.19 * x * (c + 1) - 0.13 * y);
        values[(y * 150 + x) * 3 + c] = Math.round(Math.min(255, Math.max(0, v)));
      }
    }
  }
  return tf.tensor3d(values, [150, 150, 3]);
}

/** The first `train/*.jpg` of the shared age-gender zip (a 200×200 UTKFace aligned crop), as 150×150 RGB 0..255. */
async function faceImage(): Promise<{ name: string; image: tf.Tensor3D }> {
  const zip = readFileSync(new URL('../../../../../shared/datasets/age-gender.zip', import.meta.url));
  let first: string | undefined;
  const entries = unzipSync(zip, {
    filter: (f) => {
      if (first !== undefined || !/^train\/[^/]+\.jpg$/.test(f.name)) return false;
      first = f.name;
      return true;
    },
  });
  const name = first!;
  const { data: pixels, info } = await sharp(entries[name])
    .resize(150, 150)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([150, 150, 3]);
  return { name, image: tf.tensor3d(Float32Array.from(pixels), [150, 150, 3]) };
}

function buildFaceResnet(inputSize = faceResnet.inputSize): tf.LayersModel {
  const input = tf.input({ shape: [inputSize, inputSize, 3], name: 'input' });
  const trunk = faceResnet.buildTrunk(input);
  return tf.model({ inputs: input, outputs: faceResnet.originalHead!.build(trunk), name: 'face_resnet+original' });
}

describe('faceResnet', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  let faceapi: typeof import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
  beforeAll(async () => {
    // face-api's nobundle build imports tfjs-backend-wasm by a second path; the duplicate kernel registrations
    // it warns about are harmless here (we run on cpu), so they are muted while it loads.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      faceapi = await import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
    } finally {
      warn.mockRestore();
    }
    expect(faceapi.tf.Tensor).toBe(tf.Tensor); // one tfjs, so one engine and one tensor count
  });

  it('gives the same 128-d descriptor as face-api\'s own FaceRecognitionNet', async () => {
    const before = tf.memory().numTensors;

    // Reference: face-api's own network, loaded through its own loadFromWeightMap.
    const net = new faceapi.FaceRecognitionNet();
    net.loadFromWeightMap(faceapi.tf.io.decodeWeights(data, specs));
    const image = testImage();
    // face-api's .d.ts carries its own copy of tfjs's types; at run time it is the same tfjs (checked above).
    type FaceApiInput = Parameters<typeof faceapi.toNetInput>[0];
    const netInput = await faceapi.toNetInput(image as unknown as FaceApiInput);
    const reference = net.forwardInput(netInput) as unknown as tf.Tensor;

    // The rebuild, on face-api 1.7.15's own preprocessing: (x - mean) / 255.
    const model = buildFaceResnet();
    loadFaceResnetWeights(model, manifest, data);
    const mean = tf.tensor1d([122.782, 117.001, 104.298]);
    const ours = tf.tidy(() => model.predict(image.sub(mean).div(255).expandDims(0)) as tf.Tensor);
    // The spec's recipe, dlib's own: (x - mean) / 256 — the input face-api 1.7.15 no longer matches.
    const { scale } = faceResnet.preprocessing as { scale: number };
    const oursSpec = tf.tidy(() => model.predict(image.sub(mean).div(scale).expandDims(0)) as tf.Tensor);

    expect(reference.shape).toEqual([1, 128]);
    expect(ours.shape).toEqual([1, 128]);
    const [diff, diffSpec, norm] = tf.tidy(() => [
      tf.max(tf.abs(tf.sub(ours, reference))),
      tf.max(tf.abs(tf.sub(oursSpec, reference))),
      tf.norm(reference),
    ]);
    const [d, dSpec, n] = [(await diff.data())[0], (await diffSpec.data())[0], (await norm.data())[0]];
    console.log(
      `face_resnet vs face-api FaceRecognitionNet: max |Δ| = ${d.toExponential(3)} (|descriptor| = ${n.toFixed(4)}); ` +
        `with /${scale} preprocessing instead of face-api's /255: max |Δ| = ${dSpec.toExponential(3)}`,
    );
    expect(d).toBeLessThanOrEqual(1e-4);

    tf.dispose([reference, ours, oursSpec, diff, diffSpec, norm, image, mean]);
    net.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same 128-d descriptor as face-api\'s own FaceRecognitionNet on a real face', async () => {
    const { name, image } = await faceImage();
    const before = tf.memory().numTensors;

    const net = new faceapi.FaceRecognitionNet();
    net.loadFromWeightMap(faceapi.tf.io.decodeWeights(data, specs));
    type FaceApiInput = Parameters<typeof faceapi.toNetInput>[0];
    const netInput = await faceapi.toNetInput(image as unknown as FaceApiInput);
    const reference = net.forwardInput(netInput) as unknown as tf.Tensor;

    // face-api 1.7.15's preprocessing, as in the synthetic case: (x - mean) / 255.
    const model = buildFaceResnet();
    loadFaceResnetWeights(model, manifest, data);
    const ours = tf.tidy(() => model.predict(image.sub([122.782, 117.001, 104.298]).div(255).expandDims(0)) as tf.Tensor);

    expect(ours.shape).toEqual([1, 128]);
    const [diff, norm] = tf.tidy(() => [tf.max(tf.abs(tf.sub(ours, reference))), tf.norm(reference)]);
    const [d, n] = [(await diff.data())[0], (await norm.data())[0]];
    console.log(`face_resnet vs face-api FaceRecognitionNet on ${name}: max |Δ| = ${d.toExponential(3)} (|descriptor| = ${n.toFixed(4)})`);
    expect(d).toBeLessThanOrEqual(1e-4);

    tf.dispose([reference, ours, diff, norm]);
    net.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });

  it('has exactly face-api\'s parameters, each manifest weight used once', () => {
    const before = tf.memory().numTensors;
    const model = buildFaceResnet();
    const weights = faceApiRecognitionWeights(manifest, data);
    try {
      const manifestFloats = specs.reduce((sum, s) => sum + size(s.shape), 0);
      console.log(`face_resnet: ${model.countParams()} parameters, face-api's manifest: ${manifestFloats} floats in ${specs.length} weights`);
      expect(model.countParams()).toBe(manifestFloats);

      const tensors = [...weights.values()].flat();
      expect(tensors.length).toBe(specs.length);
      expect(new Set(tensors).size).toBe(specs.length);
      const weighted = model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
      expect([...weights.keys()].sort()).toEqual(weighted.sort());
      for (const layer of model.layers) {
        const source = weights.get(layer.name);
        if (source) expect(source.map((t) => t.shape)).toEqual(layer.weights.map((w) => w.shape));
      }
    } finally {
      for (const t of weights.values()) tf.dispose(t);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names modules after face-api\'s weights and reaches 2×2×256 at 150 px', () => {
    const model = buildFaceResnet();
    try {
      const layers = [...model.layers].sort((a, b) => a.id - b.id).slice(1); // creation order, input dropped
      const top = [...new Set(layers.map((l) => modulePath(l.name).split('.')[0]))];
      expect(top).toEqual([...faceResnet.trunkModules, 'avgpool', 'fc']);
      const block = layers.filter((l) => isWithin(modulePath(l.name), 'conv64_down'));
      expect(block.map((l) => l.name)).toEqual([
        'conv64_down.conv1.conv', 'conv64_down.conv1.scale', 'conv64_down.conv1.relu',
        'conv64_down.conv2.conv', 'conv64_down.conv2.scale',
        'conv64_down.shortcut', 'conv64_down.shortcut__pad', 'conv64_down__add', 'conv64_down.relu',
      ]);
      expect(model.getLayer('conv256_down_out.relu').outputShape).toEqual([null, 2, 2, 256]);
      expect(faceResnet.containerType('conv32_1')).toBe('ResidualBlock');
      expect(faceResnet.containerType('conv256_down_out')).toBe('ResidualDownBlock');
      expect(faceResnet.containerType('conv32_1.conv1')).toBe('ConvLayer');
    } finally {
      model.dispose();
    }
  });

  it('refuses an input smaller than minInputSize before creating any weights', () => {
    const before = tf.memory().numTensors;
    const input = tf.input({ shape: [faceResnet.minInputSize - 1, faceResnet.minInputSize - 1, 3] });
    expect(() => faceResnet.buildTrunk(input)).toThrow(/face_resnet: a \d+ px input leaves/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the layer and both shapes when a weight does not fit', () => {
    const before = tf.memory().numTensors;
    const input = tf.input({ shape: [16, 16, 3] });
    const x = tf.layers.conv2d({ name: 'conv32_down.conv', filters: 16, kernelSize: 7 }).apply(input) as tf.SymbolicTensor;
    const y = tf.layers.dense({ name: 'extra', units: 2 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const small: tf.io.WeightsManifestConfig = [
      {
        paths: ['x.bin'],
        weights: [
          { name: 'conv32_down/conv/filters', shape: [7, 7, 3, 32], dtype: 'float32' },
          { name: 'conv32_down/conv/bias', shape: [32], dtype: 'float32' },
        ],
      },
    ];
    const bytes = new Float32Array(7 * 7 * 3 * 32 + 32).buffer;
    try {
      expect(() => loadFaceResnetWeights(model, small, bytes)).toThrow(
        /'conv32_down\.conv'.*\[7,7,3,16\].*\[7,7,3,32\].*'extra'/,
      );
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
