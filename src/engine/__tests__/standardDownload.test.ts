import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { openDataset } from '../../cli/node/openDataset';
import { useBackend } from '../../cli/node/nodeBackends';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { normalize } from '../data';
import {
  BACKBONE_NAMES,
  backboneSpec,
  buildModel,
  hasBundledWeights,
  loadPretrained,
  loadSavedModel,
  presetsFor,
  saveModel,
  type ModelConfig,
  type SaveModelInfo,
} from '../models';
import { smallInputSize } from './fixtures';

/** ../shared/datasets beside the repository (as CI lays it out). */
const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');
const PRISTINE_LOADER = path.join(__dirname, 'loadInPristineTfjs.mjs');
const TOLERANCE = 1e-5;

/** mobilenet_v3 at 64² has a 2×2 map before the keypoints pool (a window pool); elsewhere cropped cells do it. */
const inputSize = (config: Pick<ModelConfig, 'backbone'>) => (config.backbone === 'mobilenet_v3' ? 64 : smallInputSize(config.backbone));

/** What each preset's model is saved as: the task and context the download's studio.json says. */
function infoFor(config: ModelConfig): SaveModelInfo {
  switch (config.preset) {
    case 'binary':
      return { model: config, task: 'classification', ctx: { classes: ['cats', 'dogs'] } };
    case 'multiclass':
      return { model: config, task: 'classification', ctx: { classes: ['a', 'b', 'c'] } };
    case 'keypoints':
      return { model: config, task: 'keypoints', ctx: { points: 68 } };
    case 'age-gender':
      return { model: config, task: 'age-gender', ctx: { lossWeights: { age: 1, gender: 1 } } };
    case 'original': {
      // face-api's FaceLandmark68Net: its own head gives the 68 points.
      if (config.backbone === 'face_dense') return { model: config, task: 'keypoints', ctx: { points: 68 } };
      const width = config.backbone === 'face_resnet' ? 128 : 1000;
      return { model: config, task: 'classification', ctx: { classes: Array.from({ length: width }, (_, i) => `c${i}`) } };
    }
  }
}

/**
 * Every custom layer and every head: all presets on resnet18, mobilenet_v3 and face_resnet; vgg16 (whose own head
 * is a 0.5 GB weights.bin) and resnet34 add no layer kind, so they run two presets and one; face_dense and
 * face_xception add their trunks' layers only (depthwise convs, a 'same' max pool), and face_dense its own head.
 */
const FEWER: Partial<Record<(typeof BACKBONE_NAMES)[number], string[]>> = {
  vgg16: ['binary', 'keypoints'],
  resnet34: ['binary'],
  face_dense: ['original', 'binary'],
  face_xception: ['binary'],
};
const CASES: ModelConfig[] = BACKBONE_NAMES.flatMap((backbone) =>
  presetsFor(backboneSpec(backbone)).filter((preset) => FEWER[backbone]?.includes(preset) ?? true).map((preset) => ({
    backbone,
    preset,
    inputSize: inputSize({ backbone }),
    ...(preset === 'multiclass' ? { numClasses: 3 } : {}),
  })),
);

/**
 * Pretrained weights where the backbone bundles them (real hard-swish inputs, real ChannelAffine scales); elsewhere
 * BatchNorm gets statistics and affine values away from 1/0, so a weight that lost its place would show.
 */
async function withWeights(model: tf.LayersModel, config: ModelConfig): Promise<void> {
  if (hasBundledWeights(config.backbone)) {
    await loadPretrained(model, fileWeightSource());
    return;
  }
  model.layers
    .filter((l) => l.getClassName() === 'BatchNormalization')
    .forEach((layer, i) => {
      const values = tf.tidy(() => layer.weights.map((w, j) => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 100 * i + j)));
      layer.setWeights(values);
      tf.dispose(values);
    });
}

const outputsOf = (model: tf.LayersModel, x: tf.Tensor): number[][] =>
  tf.tidy(() => {
    const y = model.predict(x);
    return (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync()));
  });

const largestGap = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

describe('saveModel: the downloaded model.json is standard tfjs', () => {
  let dir: string;
  /** A real photo (cats-dogs) at each input size, as raw 0..255 pixels. */
  const pixels = new Map<number, tf.Tensor4D>();

  beforeAll(async () => {
    await useBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'standard-download-'));
    const { archive, close } = await openDataset(path.join(DATASETS, 'cats-dogs.zip'));
    const photo = archive.entries.find((e) => /\/dogs\/[^/]+\.jpe?g$/i.test(e.path))!;
    const bytes = await archive.read(photo.path);
    await close();
    for (const size of new Set(CASES.map((c) => c.inputSize!))) {
      const image = await sharpDecoder(bytes, { width: size, height: size });
      pixels.set(size, tf.tensor4d(Float32Array.from(image.data), [1, size, size, 3]));
    }
  });

  afterAll(async () => {
    tf.dispose([...pixels.values()]);
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CASES)(
    `loads $backbone + $preset in a fresh Node process with plain @tensorflow/tfjs, outputs within ${TOLERANCE} of the studio's`,
    async (config) => {
      const name = `${config.backbone}+${config.preset}`;
      const before = tf.memory().numTensors;
      const model = buildModel(config);
      await withWeights(model, config);
      const x = normalize(pixels.get(config.inputSize!)!, backboneSpec(config.backbone).preprocessing);
      const expected = outputsOf(model, x);
      const files = await saveModel(model, infoFor(config));
      model.dispose();

      if (config.preset === 'binary') {
        // The studio still reads its download back: the same network, the same outputs (presets differ in heads only).
        const { model: reloaded } = await loadSavedModel(files);
        expect(outputsOf(reloaded, x)).toEqual(expected);
        reloaded.dispose();
      }

      const caseDir = path.join(dir, name);
      await mkdir(caseDir);
      await Promise.all(Object.entries(files).map(([file, data]) => writeFile(path.join(caseDir, file), data)));
      const job = { dir: caseDir, input: path.join(caseDir, 'input.f32'), shape: x.shape, out: path.join(caseDir, 'outputs.json') };
      await writeFile(job.input, new Uint8Array((await x.data()).buffer));
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);

      const list = path.join(caseDir, 'job.json');
      await writeFile(list, JSON.stringify([job]));
      await promisify(execFile)(process.execPath, [PRISTINE_LOADER, list]);
      const got = JSON.parse(await readFile(job.out, 'utf8')) as { backend: string; outputs: number[][]; metadata: { studio?: { task?: string } } };
      expect(got.backend).toBe('cpu');
      expect(got.metadata?.studio?.task, 'model.json carries studio.json\'s description').toBe(infoFor(config).task);
      expect(got.outputs.map((o) => o.length)).toEqual(expected.map((o) => o.length));
      const gap = largestGap(got.outputs, expected);
      console.log(`${name}: largest |pristine − studio| = ${gap}`);
      expect(gap).toBeLessThanOrEqual(TOLERANCE);
      await rm(caseDir, { recursive: true });
    },
  );
});
