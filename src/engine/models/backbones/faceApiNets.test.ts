import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../../cli/node/nodeBackends';
import { fileWeightSource } from '../../../cli/fileWeightSource';
import { buildModel } from '../buildModel';
import { modulePath } from '../modulePath';
import { loadPretrained } from '../weights/loadPretrained';
import { readFaceApiWeights } from '../../landmarks';

/**
 * face_dense and face_xception are face-api's FaceLandmark68Net and AgeGenderNet's TinyXception rebuilt with
 * tf.layers; their bundled weights (prepared at install) must give what face-api's own networks give.
 */

/** The first `train/*.jpg` of the shared age-gender zip (a UTKFace aligned crop), as 112×112 RGB 0..255. */
async function faceImage(): Promise<tf.Tensor3D> {
  const zip = readFileSync(new URL('../../../../../shared/datasets/age-gender.zip', import.meta.url));
  let first: string | undefined;
  const entries = unzipSync(zip, {
    filter: (f) => {
      if (first !== undefined || !/^train\/[^/]+\.jpg$/.test(f.name)) return false;
      first = f.name;
      return true;
    },
  });
  const { data } = await sharp(entries[first!]).resize(112, 112).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return tf.tensor3d(Float32Array.from(data), [112, 112, 3]);
}

const MEAN = [122.782, 117.001, 104.298];
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('face-api nets as backbones', () => {
  let faceapi: typeof import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
  let image: tf.Tensor3D;
  beforeAll(async () => {
    await useBackend('cpu');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      faceapi = await import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
    } finally {
      warn.mockRestore();
    }
    expect(faceapi.tf.Tensor).toBe(tf.Tensor);
    image = await faceImage();
  });
  type FaceApiInput = Parameters<typeof faceapi.toNetInput>[0];
  /** face-api's typings are of its own copy of tfjs-core's declarations; the tensors are ours (checked above). */
  type FaceApiWeights = Parameters<InstanceType<typeof faceapi.FaceLandmark68Net>['loadFromWeightMap']>[0];
  const weightMap = async (manifestPath: string) => (await readFaceApiWeights(fileWeightSource(), manifestPath)) as unknown as FaceApiWeights;

  it("face_dense + its original head gives face-api's FaceLandmark68Net's 136 numbers", async () => {
    const net = new faceapi.FaceLandmark68Net();
    net.loadFromWeightMap(await weightMap('face_landmark_68/face_landmark_68_model-weights_manifest.json'));
    const reference = net.runNet(await faceapi.toNetInput(image as unknown as FaceApiInput)) as unknown as tf.Tensor;

    const model = buildModel({ backbone: 'face_dense', preset: 'original' });
    const info = await loadPretrained(model, fileWeightSource());
    expect(info.source).toContain('@vladmandic/face-api');
    const before = tf.memory().numTensors;
    const ours = tf.tidy(() => model.predict(image.sub(MEAN).div(255).expandDims(0)) as tf.Tensor);
    expect(ours.shape).toEqual([1, 136]);
    const values = reference.dataSync();
    // Real landmarks of a face crop: x and y in 0..1, spread over the face.
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(maxAbs(ours, reference)).toBeLessThan(1e-4);
    ours.dispose();
    expect(tf.memory().numTensors).toBe(before);
    reference.dispose();
    net.dispose();
    model.dispose();
  });

  it("face_xception's trunk gives AgeGenderNet's own TinyXception features", async () => {
    const net = new faceapi.AgeGenderNet();
    net.loadFromWeightMap(await weightMap('age_gender/age_gender_model-weights_manifest.json'));
    const netInput = await faceapi.toNetInput(image as unknown as FaceApiInput);
    const reference = net.faceFeatureExtractor.forwardInput(netInput) as unknown as tf.Tensor;

    const model = buildModel({ backbone: 'face_xception', preset: 'age-gender' });
    await loadPretrained(model, fileWeightSource());
    const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer('exit_flow.separable_conv__relu').output as tf.SymbolicTensor });
    const ours = tf.tidy(() => trunk.predict(image.sub(MEAN).div(255).expandDims(0)) as tf.Tensor);
    expect(ours.shape).toEqual([1, 7, 7, 512]);
    const scale = tf.tidy(() => tf.max(reference).dataSync()[0]);
    expect(scale).toBeGreaterThan(0.1);
    expect(maxAbs(ours, reference) / scale).toBeLessThan(1e-5);
    tf.dispose([ours, reference]);
    net.dispose();
    model.dispose();
  });

  it("names modules after face-api's weights", () => {
    const dense = buildModel({ backbone: 'face_dense', preset: 'keypoints' });
    const xception = buildModel({ backbone: 'face_xception', preset: 'age-gender' });
    const weighted = (m: tf.LayersModel) => new Set(m.layers.filter((l) => l.weights.length > 0).map((l) => modulePath(l.name)));
    expect([...weighted(dense)].filter((p) => p.startsWith('dense'))).toEqual(
      ['dense0.conv0', ...[1, 2, 3].map((i) => `dense0.conv${i}`), ...[1, 2, 3].flatMap((b) => [0, 1, 2, 3].map((i) => `dense${b}.conv${i}`))]
        .flatMap((p) => (p === 'dense0.conv0' ? [p] : [`${p}.depthwise`, `${p}.pointwise`])),
    );
    expect(weighted(xception)).toContain('middle_flow.main_block_1.separable_conv2.pointwise');
    expect(weighted(xception)).toContain('exit_flow.reduction_block.expansion_conv');
    dense.dispose();
    xception.dispose();
  });
});
