/**
 * The frozen trunk on each engine (issue 14), in one run:
 * - forward-only img/s of the trunk the feature cache runs (the `binary` preset's frozen prefix, batch 8, 224²;
 *   face_resnet at its own 150²) on tfjs-wasm (today's CLI), onnxruntime-node (`--trunk-engine onnx`, every core)
 *   and PyTorch on the CPU (bench/torch_trunk.py, Debian's python3-torch, 2 threads; torchvision has no
 *   face_resnet), with the ratios and the issue's targets (onnx ≥ 5× tfjs everywhere, ≥ 3× PyTorch for VGG16,
 *   ≥ 1.3× for ResNet18);
 * - the book's 5-epoch cats-dogs recipe end to end with the ONNX trunk against PyTorch's (train.bench.ts's
 *   timing: mobilenet_v3 measured, vgg16 projected from a subset; bench/torch_recipe.py projected).
 * Weights: random init (time does not depend on values). The load average is printed beside the figures: the
 * machine may be shared.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/cli/node/nodeBackends';
import { onnxTrunkRunner } from '../src/cli/node/onnxTrunk';
import { openDataset } from '../src/cli/node/openDataset';
import { scanDataset } from '../src/engine/data';
import { buildModel, type BackboneName } from '../src/engine/models';
import { taskContext } from '../src/engine/tasks';
import { splitFrozenPrefix, tfjsTrunkRunner, type TrunkRunnerFactory, type TrainSplits } from '../src/engine/train';
import type { Row } from './ingest.bench';
import { balanced, timeFit, torchRecipe, ZIP, type FitTimes } from './train.bench';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_trunk.py', import.meta.url));
const BATCH = 8;
/** Seconds of timed batches after the warm-up one (at least two batches). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const TRUNKS: { backbone: BackboneName; size: number; torch?: string; overTorch?: number }[] = [
  { backbone: 'vgg16', size: 224, torch: 'vgg16', overTorch: 3 },
  { backbone: 'resnet18', size: 224, torch: 'resnet18', overTorch: 1.3 },
  { backbone: 'mobilenet_v3', size: 224, torch: 'mobilenet_v3_large' },
  { backbone: 'face_resnet', size: 150 },
];
const OVER_TFJS = 5;
const log = (line: string) => process.stderr.write(`[trunk.bench] ${line}\n`);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** img/s of `factory`'s runner on the backbone's frozen prefix, on fixed random batches. */
async function trunkRate(backbone: BackboneName, size: number, factory: TrunkRunnerFactory): Promise<{ rate: number; label: string }> {
  const model = buildModel({ backbone, preset: 'binary', inputSize: size, weights: 'random' });
  const split = splitFrozenPrefix(model);
  const runner = await factory(split.prefix!);
  try {
    const input = tf.tidy(() => tf.randomNormal([BATCH, size, size, 3], 0, 1, 'float32', 1).dataSync() as Float32Array);
    const shape: [number, number, number, number] = [BATCH, size, size, 3];
    await runner.run(input, shape);
    let n = 0;
    const t0 = performance.now();
    while (n < 2 * BATCH || performance.now() - t0 < SECONDS * 1000) {
      await runner.run(input, shape);
      n += BATCH;
    }
    return { rate: n / ((performance.now() - t0) / 1000), label: runner.label };
  } finally {
    await runner.dispose();
    split.release();
    model.dispose();
  }
}

async function torchRates(names: string[]): Promise<Record<string, number> | { error: string }> {
  try {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [TORCH_SCRIPT, '--backbones', names.join(','), '--seconds', String(SECONDS)]);
    return (JSON.parse(stdout.trim().split('\n').pop()!) as { results: Record<string, number> }).results;
  } catch (e) {
    return { error: (e as { stderr?: string }).stderr?.trim().split('\n').pop() ?? (e as Error).message };
  }
}

const r1 = (x: number) => +x.toFixed(1);
const pass = (ratio: number, target: number) => (ratio >= target ? 'PASS' : 'FAIL');

export async function run(): Promise<Row[]> {
  await useBackend('wasm');
  const rows: Row[] = [];
  for (const { backbone, size, torch, overTorch } of TRUNKS) {
    // The three engines back to back on one backbone, so they see about the same load.
    const tfjs = await trunkRate(backbone, size, tfjsTrunkRunner);
    const onnx = await trunkRate(backbone, size, onnxTrunkRunner);
    const theirs = torch ? await torchRates([torch]) : undefined;
    const torchRate = theirs && !('error' in theirs) ? theirs[torch!] : undefined;
    log(`${backbone}: tfjs ${tfjs.rate.toFixed(1)}, onnx ${onnx.rate.toFixed(1)}, torch ${torchRate?.toFixed(1) ?? '—'} img/s (load ${load()})`);
    const model = `${backbone} trunk @${size}², batch ${BATCH}`;
    rows.push({ bench: 'trunk img/s: onnx / tfjs', model, this: `${onnx.label}: ${r1(onnx.rate)}`, against: `${tfjs.label}: ${r1(tfjs.rate)}`, ratio: r1(onnx.rate / tfjs.rate), target: `≥ ${OVER_TFJS}`, pass: pass(onnx.rate / tfjs.rate, OVER_TFJS), load: load() });
    if (torch) {
      const against = torchRate === undefined ? (theirs as { error: string }).error : `PyTorch ${torch}, 2 threads: ${r1(torchRate)}`;
      const ratio = torchRate === undefined ? '—' : r1(onnx.rate / torchRate);
      rows.push({ bench: 'trunk img/s: onnx / PyTorch', model, this: `${r1(onnx.rate)}`, against, ratio, target: overTorch ? `≥ ${overTorch}` : '', pass: overTorch && torchRate !== undefined ? pass(onnx.rate / torchRate, overTorch) : '', load: load() });
    }
  }
  rows.push(...(await recipeRows()));
  return rows;
}

/** The book's 5-epoch recipe with the ONNX trunk against PyTorch's (both as train.bench.ts times them). */
async function recipeRows(): Promise<Row[]> {
  const { archive, close } = await openDataset(ZIP);
  const rows: Row[] = [];
  try {
    const index = await scanDataset(archive);
    const ctx = taskContext(index.report);
    const full: TrainSplits = { train: index.items.filter((i) => i.split === 'train'), val: index.items.filter((i) => i.split === 'test') };
    for (const { backbone, torch } of [{ backbone: 'mobilenet_v3', torch: 'mobilenet_v3_large' }, { backbone: 'vgg16', torch: 'vgg16' }] as const) {
      const theirs = await torchRecipe([torch]);
      const ours: FitTimes =
        backbone === 'mobilenet_v3'
          ? await timeFit(archive, backbone, ctx, full, { epochs: 5, featureCache: true, trunkRunner: onnxTrunkRunner })
          : await timeFit(archive, backbone, ctx, { train: balanced(full.train, 16), val: balanced(full.val, 8) }, { epochs: 5, featureCache: true, scaleTo: full, trunkRunner: onnxTrunkRunner });
      const t = 'error' in theirs ? undefined : theirs.results[torch];
      rows.push({
        bench: "5-epoch recipe, studio (onnx trunk) / PyTorch",
        model: `${backbone} @224², cats-dogs 300 + 100`,
        this: `studio ${r1(ours.wall)} s (cache ${r1(ours.cache)} s), ${ours.projected ? 'projected' : 'measured'}${ours.valAccuracy === undefined || ours.projected ? '' : `, val acc ${ours.valAccuracy.toFixed(3)}`}`,
        against: t ? `PyTorch ${torch} ${r1(t.wall_s)} s (book loop ${r1(t.book_loop_s)} s), projected` : (theirs as { error: string }).error,
        ratio: t ? +(ours.wall / t.wall_s).toFixed(3) : '—',
        target: '',
        pass: '',
        load: load(),
      });
    }
  } finally {
    await close();
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await run());
  process.exit(0);
}
