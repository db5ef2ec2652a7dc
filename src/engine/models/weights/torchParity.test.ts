import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, type NodeBackend } from '../../../cli/node/nodeBackends';
import { buildModel } from '../buildModel';
import { parseSafetensors, readFloat32, type SafetensorsFile } from './safetensors';
import { importTorchvision } from './torchvisionImport';
import { findTorchPython } from '../../__tests__/torchPython';

/**
 * Parity with PyTorch: scripts/torch_parity.py builds torchvision's models with seeded random weights and writes
 * their state dicts and eval-mode logits to .cache/parity (gitignored); this test imports each state dict into
 * `buildModel({backbone, preset: 'original'})` and compares logits.
 */
const CACHE = path.resolve('.cache/parity');
const SCRIPT = path.resolve('scripts/torch_parity.py');
const FORMAT_VERSION = 1;
const MODELS = ['vgg16', 'resnet18', 'resnet34'] as const;
const TOLERANCE = 1e-4;

function ensureCache(): void {
  const metaPath = path.join(CACHE, 'meta.json');
  if (existsSync(metaPath) && (JSON.parse(readFileSync(metaPath, 'utf8')) as { format: number }).format === FORMAT_VERSION) return;
  const python = findTorchPython(); // throws naming the packages to install
  const started = performance.now();
  const run = spawnSync(python, [SCRIPT, CACHE], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`${python} ${SCRIPT} failed (${run.status ?? run.signal}):\n${run.stderr}`);
  console.log(`torch_parity.py (${python}) wrote ${CACHE} in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${run.stdout}`);
}

function readSafetensors(file: string): SafetensorsFile {
  const bytes = readFileSync(path.join(CACHE, file));
  // Node's Buffer may share a pooled ArrayBuffer; large reads do not, but slice to be exact either way.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parseSafetensors(buffer as ArrayBuffer);
}

function tensorOf(file: SafetensorsFile, name: string): tf.Tensor {
  const entry = file.tensors.get(name);
  if (!entry) throw new Error(`${name} missing from the parity cache`);
  return tf.tensor(readFloat32(file, entry), entry.shape);
}

/** Imports `<name>.safetensors` into the original-head model at `size`², returns the max abs logit difference. */
async function parity(name: (typeof MODELS)[number], size: number, backend: NodeBackend): Promise<number> {
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const model = buildModel({ backbone: name, preset: 'original', inputSize: size });
  const t1 = performance.now();
  let weights: SafetensorsFile | null = readSafetensors(`${name}.safetensors`);
  const report = importTorchvision(model, weights);
  weights = null; // let the state dict go before the forward pass
  const t2 = performance.now();
  expect(report.missing).toEqual([]);
  expect(report.unexpected).toEqual([]);
  expect(report.skipped).toEqual([]);

  const inputs = readSafetensors('inputs.safetensors');
  const logits = readSafetensors(`${name}.logits.safetensors`);
  const x = tf.tidy(() => tf.transpose(tensorOf(inputs, `input_${size}`), [0, 2, 3, 1])); // NCHW → NHWC
  const expected = tensorOf(logits, `logits_${size}`);
  const actual = model.predict(x) as tf.Tensor;
  const stats = tf.tidy(() => [tf.max(tf.abs(tf.sub(actual, expected))), tf.max(tf.abs(expected))]);
  const [diff, magnitude] = await Promise.all(stats.map((t) => t.data()));
  const t3 = performance.now();
  console.log(
    `${name} @${size}² on ${backend}: max |Δlogit| = ${diff[0].toExponential(3)} (max |logit| ${magnitude[0].toFixed(3)}); ` +
      `${report.loaded.length} tensors imported; build ${((t1 - t0) / 1000).toFixed(1)} s, import ${((t2 - t1) / 1000).toFixed(1)} s, ` +
      `forward ${((t3 - t2) / 1000).toFixed(1)} s`,
  );
  expect(actual.shape).toEqual([1, 1000]);
  tf.dispose([x, expected, actual, ...stats]);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return diff[0];
}

describe('importTorchvision parity with PyTorch', () => {
  beforeAll(() => ensureCache(), 600_000);

  describe('wasm, 224²', () => {
    beforeAll(async () => {
      await useBackend('wasm');
    });
    for (const name of MODELS) {
      it(`gives torchvision's ${name} logits within ${TOLERANCE}`, async () => {
        expect(await parity(name, 224, 'wasm')).toBeLessThanOrEqual(TOLERANCE);
      }, 600_000);
    }
  });

  describe('webgpu, 64²', () => {
    beforeAll(async () => {
      await useBackend('webgpu');
    });
    for (const name of MODELS) {
      it(`gives torchvision's ${name} logits within ${TOLERANCE}`, async () => {
        expect(await parity(name, 64, 'webgpu')).toBeLessThanOrEqual(TOLERANCE);
      }, 600_000);
    }
  });
});
