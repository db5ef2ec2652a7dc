import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../cli/node/nodeBackends';
import { BACKBONE_NAMES, backboneSpec, buildModel, encodeSafetensors, presetsFor, type BackboneName, type PresetName, type SavedModelMeta } from '../../models';
import { fixedImages } from '../../__tests__/fixtures';
import { findTorchPython } from '../../__tests__/torchPython';
import { loadPytorchProject, pytorchProject, PYTORCH_FILES } from '.';

const TOLERANCE = 1e-4;

/** Small inputs, some not a power of two, so that TF's asymmetric 'same' padding and face-api's odd sides are exercised. */
const SIZE: Record<BackboneName, number> = { vgg16: 32, resnet18: 36, resnet34: 32, mobilenet_v3: 40, face_resnet: 107, face_dense: 45, face_xception: 45 };

/**
 * Without SLOW=1: every head on mobilenet_v3 and face_resnet, face_dense's own head and one book head on each other
 * trunk (the book's heads are the same modules on every trunk); building a torchvision trunk in tfjs takes ~3 s,
 * VGG16's original head ~40 s.
 */
const QUICK: Record<BackboneName, PresetName[]> = {
  mobilenet_v3: ['binary', 'multiclass', 'keypoints', 'age-gender'],
  face_resnet: ['original', 'binary', 'multiclass', 'keypoints', 'age-gender'],
  resnet18: ['original'],
  resnet34: ['keypoints'],
  vgg16: ['age-gender'],
  face_dense: ['original', 'keypoints'],
  face_xception: ['age-gender'],
};

/**
 * Weights a fresh model does not have: BatchNorm statistics and affine scales away from 0 / 1 (or a wrong layout of
 * a vector would go unseen), biases away from 0.
 */
function perturb(model: tf.LayersModel, seed: number): void {
  tf.tidy(() => {
    model.weights.forEach((w, i) => {
      const name = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      const shape = w.shape as number[];
      // Scales a little under 1 keep 16 random residual blocks (resnet34) from saturating every sigmoid.
      if (name === 'moving_variance') w.write(tf.randomUniform(shape, 1, 2, 'float32', seed + i));
      else if (name === 'gamma' || name === 'weight') w.write(tf.randomUniform(shape, 0.5, 1, 'float32', seed + i));
      else if (name === 'beta' || name === 'moving_mean' || name === 'bias') w.write(tf.randomUniform(shape, -0.2, 0.2, 'float32', seed + i));
    });
  });
}

function metaOf(backbone: BackboneName, preset: PresetName, inputSize: number): SavedModelMeta {
  const task = preset === 'keypoints' || preset === 'age-gender' ? preset : 'classification';
  return {
    version: 1,
    model: { backbone, preset, inputSize, ...(preset === 'multiclass' && { numClasses: 3 }) },
    task,
    ctx: preset === 'multiclass' ? { classes: ['a', 'b', 'c'] } : preset === 'binary' ? { classes: ['cat', 'dog'] } : {},
    preprocessing: backboneSpec(backbone).preprocessing,
    inputSize,
    metrics: {},
    created: '2026-01-01T00:00:00.000Z',
  };
}

/** Loads every folder's model.py + weights.safetensors in one Python process; prints each folder's max |Δ| per output. */
const PARITY_PY = `
import importlib.util, json, os, sys
import torch
torch.set_num_threads(1)
for folder in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("model_" + os.path.basename(folder).replace("-", "_").replace("+", "_"), os.path.join(folder, "model.py"))
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    net = m.load_weights(m.build_model(m.read_studio(folder)), os.path.join(folder, "weights.safetensors")).eval()
    io = m.load_file(os.path.join(folder, "io.safetensors"))
    with torch.no_grad():
        out = net(io["input"])
    out = out if isinstance(out, tuple) else (out,)
    diffs = [float((o - io["output_%d" % i]).abs().max()) for i, o in enumerate(out)]
    print(json.dumps({"folder": os.path.basename(folder), "outputs": len(out), "diffs": diffs}), flush=True)
`;

describe('pytorchProject', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pytorch-export-'));
  const all = BACKBONE_NAMES.flatMap((backbone) => presetsFor(backboneSpec(backbone)).map((preset) => ({ backbone, preset })));
  const cases = process.env.SLOW ? all : all.filter(({ backbone, preset }) => QUICK[backbone].includes(preset));
  const outputsOf = new Map<string, number>();

  beforeAll(async () => {
    await useBackend('wasm');
  });

  it(`writes ${process.env.SLOW ? 'every' : 'each trunk and each'} backbone × preset so that model.py + weights.safetensors give the studio outputs within 1e-4`, async () => {
    const before = tf.memory().numTensors;
    const folders: string[] = [];
    for (const [i, { backbone, preset }] of cases.entries()) {
      const t0 = performance.now();
      const size = SIZE[backbone];
      const meta = metaOf(backbone, preset, size);
      const model = buildModel(meta.model);
      perturb(model, 100 * i);
      // The CenterNet trunk takes raw 0..255 pixels; with random weights they would saturate every sigmoid.
      const x = tf.tidy(() => fixedImages(2, size, backbone, i + 1).div(backbone === 'mobilenet_v3' ? 255 : 1));
      const outputs = [model.predict(x)].flat() as tf.Tensor[];
      const folder = path.join(root, `${backbone}+${preset}`);
      mkdirSync(folder);
      for (const [name, bytes] of Object.entries(pytorchProject(model, meta))) writeFileSync(path.join(folder, name), bytes);
      const nchw = tf.tidy(() => x.transpose([0, 3, 1, 2]));
      const io: Record<string, { shape: number[]; values: Float32Array }> = { input: { shape: nchw.shape, values: nchw.dataSync() as Float32Array } };
      outputs.forEach((t, k) => (io[`output_${k}`] = { shape: t.shape, values: t.dataSync() as Float32Array }));
      // Probabilities pinned at 0 or 1 would agree whatever the weights: most must lie inside (the backbones' own
      // linear heads, face_dense's keypoints among them, are not probabilities).
      const values = outputs.flatMap((t) => Array.from(t.dataSync()));
      const ownHead = preset === 'original' || (preset === 'keypoints' && backboneSpec(backbone).ownHeadIsKeypoints);
      if (!ownHead) expect(values.filter((v) => v > 1e-3 && v < 1 - 1e-3).length, `${backbone}+${preset}`).toBeGreaterThan(values.length / 2);
      writeFileSync(path.join(folder, 'io.safetensors'), new Uint8Array(encodeSafetensors(io)));
      outputsOf.set(`${backbone}+${preset}`, outputs.length);
      tf.dispose([x, nchw, ...outputs]);
      model.dispose();
      folders.push(folder);
      console.log(`${backbone}+${preset}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    expect(tf.memory().numTensors).toBe(before);

    const python = findTorchPython();
    const t1 = performance.now();
    const run = spawnSync(python, ['-c', PARITY_PY, ...folders], { encoding: 'utf8', timeout: 600_000 });
    console.log(`python: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);
    const results = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { folder: string; outputs: number; diffs: number[] });
    console.log(results.map((r) => `${r.folder}: max |Δ| ${Math.max(...r.diffs).toExponential(2)}`).join('\n'));
    expect(results.map((r) => r.folder)).toEqual(cases.map((c) => `${c.backbone}+${c.preset}`));
    for (const r of results) {
      expect(r.outputs, r.folder).toBe(outputsOf.get(r.folder));
      for (const d of r.diffs) expect(d, r.folder).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 600_000);

  it('reads its own folder back into the same network (loadPytorchProject)', async () => {
    const meta = metaOf('face_resnet', 'keypoints', SIZE.face_resnet);
    const model = buildModel(meta.model);
    perturb(model, 7);
    const files = pytorchProject(model, meta);
    const back = loadPytorchProject(files).model;
    const x = fixedImages(1, SIZE.face_resnet, 'face_resnet');
    const [a, b] = [model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(Object.keys(files).sort()).toEqual(Object.values(PYTORCH_FILES).sort());
    tf.dispose([x, a, b]);
    model.dispose();
    back.dispose();
  });

  it('refuses a weights file of another network, naming the keys', () => {
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 32 });
    const files = pytorchProject(model, metaOf('mobilenet_v3', 'binary', 32));
    model.dispose();
    const other = metaOf('face_resnet', 'binary', 107);
    files[PYTORCH_FILES.meta] = new TextEncoder().encode(JSON.stringify(other));
    expect(() => loadPytorchProject(files)).toThrow(/weights\.safetensors does not fit face_resnet\+binary: [\s\S]*'classifier\.1\.weight': the file has \[128,120\], the model needs \[128,256\]/);
  });
});
