/**
 * Worker side of bench/page/trunk.html: one backbone's frozen trunk (`splitFrozenPrefix` of the binary preset, random
 * init) forwarded on a batch by tfjs-wasm (`selectBackend`, as the studio's trainer worker starts it) and by
 * onnxruntime-web (`onnxWebTrunkRunner`, as the studio's `onnx` trunk engine runs it), in the same worker; the
 * largest difference between their outputs says both ran the same network.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, servedOrtWasmPath, servedWasmPath } from '../../src/engine/backend';
import { buildModel, type BackboneName } from '../../src/engine/models';
import { onnxWebTrunkRunner } from '../../src/engine/train/onnxWebTrunk';
import { splitFrozenPrefix } from '../../src/engine/train/splitFrozenPrefix';

export interface TrunkRequest {
  backbone: BackboneName;
  size: number;
  batch: number;
  /** Timed calls after one untimed warm-up; the median counts. */
  iters: number;
}

export interface TrunkResult {
  tfjsImgS: number;
  onnxImgS: number;
  /** tfjs-wasm's threads and onnxruntime-web's label (version, threads). */
  tfjs: string;
  onnx: string;
  /** Largest |tfjs − onnx| over the trunk's outputs, relative to the largest |tfjs| output. */
  maxDiff: number;
  crossOriginIsolated: boolean;
}

async function median(fn: () => Promise<void>, iters: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

self.onmessage = async ({ data }: MessageEvent<TrunkRequest>) => {
  try {
    const choice = await selectBackend({ preference: 'wasm', wasmPath: servedWasmPath('/', location.href) });
    if (choice.backend !== 'wasm') throw new Error(`wasm unavailable: ${choice.reason}`);
    const { backbone, size, batch, iters } = data;
    const model = buildModel({ backbone, preset: 'binary', inputSize: size, weights: 'random' });
    const { prefix, release } = splitFrozenPrefix(model);
    if (!prefix) throw new Error(`${backbone}: nothing frozen`);
    const input = tf.randomUniform([batch, size, size, 3], 0, 1).dataSync() as Float32Array;
    const shape: [number, number, number, number] = [batch, size, size, 3];
    let tfjsOut: Float32Array[] = [];
    const tfjsS = await median(async () => {
      const x = tf.tensor(input, shape);
      const y = prefix.predict(x) as tf.Tensor | tf.Tensor[];
      const ys = Array.isArray(y) ? y : [y];
      tfjsOut = (await Promise.all(ys.map((t) => t.data()))) as Float32Array[];
      tf.dispose([x, ...ys]);
    }, iters);
    const threads = Math.max(1, navigator.hardwareConcurrency);
    const runner = await onnxWebTrunkRunner({ wasmPath: servedOrtWasmPath('/', location.href), threads })(prefix);
    let onnxOut: Float32Array[] = [];
    const onnxS = await median(async () => {
      onnxOut = await runner.run(input, shape);
    }, iters);
    await runner.dispose();
    let diff = 0;
    let scale = 0;
    tfjsOut.forEach((t, k) =>
      t.forEach((v, i) => {
        diff = Math.max(diff, Math.abs(v - onnxOut[k][i]));
        scale = Math.max(scale, Math.abs(v));
      }),
    );
    release();
    model.dispose();
    const result: TrunkResult = {
      tfjsImgS: batch / tfjsS,
      onnxImgS: batch / onnxS,
      tfjs: `tfjs-wasm (${choice.threads ?? 1} threads)`,
      onnx: runner.label,
      maxDiff: diff / (scale || 1),
      crossOriginIsolated,
    };
    postMessage({ ok: true, result });
  } catch (e) {
    postMessage({ ok: false, error: (e as Error).message ?? String(e) });
  }
};
