import * as tf from '@tensorflow/tfjs';
import { buildModel, backboneSpec, hasBundledWeights, type BackboneName } from '../src/engine/models';
import { useBackend, type NodeBackend } from '../src/cli/node/nodeBackends';
import { loadWeightsOption } from '../src/cli/weightsOption';
import { splitFrozenPrefix } from '../src/engine/train/splitFrozenPrefix';
import { fitStep } from '../src/engine/train/step';
import type { Row } from './ingest.bench';

const BATCH = 4;
const SIZE = 96;
const BACKBONES: BackboneName[] = ['mobilenet_v3', 'resnet18'];

async function timeIt(fn: () => Promise<void>, reps: number): Promise<number> {
  await fn(); // warm-up: shader compilation and kernel selection
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

/**
 * Forward throughput per backend and what the feature cache saves: a head-only step from cached features
 * against a full step through the frozen trunk. Ratios, measured in one run on this machine.
 */
export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu', 'webgpu'] as NodeBackend[]) {
    await useBackend(backend);
    for (const backbone of BACKBONES) {
      const size = backbone === 'face_resnet' ? 150 : SIZE;
      const model = buildModel({ backbone, preset: 'binary', inputSize: size });
      if (hasBundledWeights(backbone)) await loadWeightsOption(model, backboneSpec(backbone), 'pretrained');
      const x = tf.randomUniform([BATCH, size, size, 3]);
      const y = tf.ones([BATCH, 1]);
      const forwardMs = await timeIt(async () => {
        const out = model.predict(x) as tf.Tensor;
        await out.data();
        out.dispose();
      }, 3);
      const optimizer = tf.train.adam(1e-3);
      const fullStepMs = await timeIt(async () => {
        const loss = fitStep(model, optimizer, [x], [y], [{ loss: 'bce' }]);
        await loss.data();
        loss.dispose();
      }, 3);
      const { prefix, suffix, release } = splitFrozenPrefix(model);
      const cached = prefix!.predict(x) as tf.Tensor;
      const cachedStepMs = await timeIt(async () => {
        const loss = fitStep(suffix, optimizer, [cached], [y], [{ loss: 'bce' }]);
        await loss.data();
        loss.dispose();
      }, 3);
      rows.push({
        bench: 'model',
        backend,
        backbone: `${backbone} @${size}²`,
        'forward img/s': +((BATCH * 1000) / forwardMs).toFixed(1),
        'train step ms': Math.round(fullStepMs),
        'cached step ms': +cachedStepMs.toFixed(1),
        'feature cache speed-up': `${(fullStepMs / cachedStepMs).toFixed(0)}×`,
      });
      release();
      tf.dispose([x, y, cached]);
      optimizer.dispose();
      model.dispose();
    }
  }
  const wasm = rows.find((r) => r.backend === 'wasm' && String(r.backbone).startsWith('mobilenet_v3'));
  for (const r of rows) r['vs wasm forward'] = `${(Number(r['forward img/s']) / Number(wasm?.['forward img/s'])).toPrecision(2)}×`;
  return rows;
}
