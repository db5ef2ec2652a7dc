import * as tf from '@tensorflow/tfjs';
import { buildModel, type BackboneName } from '../../src/engine/models';
import { fitStep } from '../../src/engine/train/step';

/** One throughput measurement: the same in Node and in the Chromium page (DOM-free). */
export interface ThroughputOptions {
  backbone: BackboneName;
  /** Square input side; small, because software WebGPU (SwiftShader) is very slow at 224². */
  size: number;
  batch: number;
  /** Timed repetitions after one untimed warm-up (shader compilation, kernel selection); the median counts. */
  iters: number;
}

export interface Throughput {
  /** `model.predict` on a batch, read back. */
  forwardImgS: number;
  /** The book's step: forward through the frozen trunk, backward and Adam on the head only. */
  stepImgS: number;
  /** Seconds the warm-up forward took (first-use cost: shader compilation, weight upload). */
  warmupS: number;
}

/** Median seconds per call over `iters` timed calls (robust to another process taking the CPU for one). */
async function timeIt(fn: () => Promise<void>, iters: number): Promise<{ seconds: number; warmup: number }> {
  let t0 = performance.now();
  await fn();
  const warmup = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], warmup };
}

/**
 * Images per second of a forward pass and of a frozen-trunk train step on the active backend, with random
 * init (throughput does not depend on weight values) and random inputs. Leaves no tensor behind.
 */
export async function measureThroughput({ backbone, size, batch, iters }: ThroughputOptions): Promise<Throughput> {
  const model = buildModel({ backbone, preset: 'binary', inputSize: size, weights: 'random' });
  const x = tf.randomUniform([batch, size, size, 3]);
  const y = tf.ones([batch, 1]);
  const optimizer = tf.train.adam(1e-3);
  try {
    const forward = await timeIt(async () => {
      const out = model.predict(x) as tf.Tensor;
      await out.data();
      out.dispose();
    }, iters);
    const step = await timeIt(async () => {
      const loss = fitStep(model, optimizer, [x], [y], [{ loss: 'bce' }]);
      await loss.data();
      loss.dispose();
    }, iters);
    return { forwardImgS: batch / forward.seconds, stepImgS: batch / step.seconds, warmupS: forward.warmup };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}
