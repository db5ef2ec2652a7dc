import * as tf from '@tensorflow/tfjs';
import type { Verdict } from './judgeAdapter';

/** Deterministic, non-trivial values without a random generator. */
function wave(n: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase) * 0.5);
}

/**
 * One batch through a tiny conv → relu → depthwise conv (stride 2) → dense → sigmoid net, with the gradients
 * of its mean output w.r.t. all three weights, on the active backend. Refuses the backend when a kernel
 * throws, any value is NaN/Infinity, or every gradient is zero.
 */
export async function smokeTest(): Promise<Verdict> {
  let outputs: tf.Tensor[] = [];
  try {
    outputs = tf.tidy(() => {
      const x = tf.tensor4d(wave(2 * 6 * 6 * 3, 0), [2, 6, 6, 3]);
      const kernel = tf.tensor4d(wave(3 * 3 * 3 * 4, 1), [3, 3, 3, 4]);
      const depthwise = tf.tensor4d(wave(3 * 3 * 4, 2), [3, 3, 4, 1]);
      const dense = tf.tensor2d(wave(3 * 3 * 4, 3), [3 * 3 * 4, 1]);
      const loss = (k: tf.Tensor, d: tf.Tensor, w: tf.Tensor) =>
        tf
          .conv2d(x, k as tf.Tensor4D, 1, 'same')
          .relu()
          .depthwiseConv2d(d as tf.Tensor4D, 2, 'same')
          .reshape([2, 3 * 3 * 4])
          .matMul(w as tf.Tensor2D)
          .sigmoid()
          .mean();
      const { value, grads } = tf.valueAndGrads(loss)([kernel, depthwise, dense]);
      return [value, ...grads.map((g) => g.abs().sum())];
    });
    const values = await Promise.all(outputs.map((t) => t.data()));
    const flat = values.flatMap((v) => Array.from(v));
    if (!flat.every(Number.isFinite)) return { ok: false, reason: 'smoke step gave NaN' };
    if (flat.slice(1).every((g) => g === 0)) return { ok: false, reason: 'smoke step gave zero gradients' };
    return { ok: true, reason: 'smoke step passed' };
  } catch (e) {
    return { ok: false, reason: `smoke step threw: ${(e as Error).message ?? String(e)}` };
  } finally {
    tf.dispose(outputs);
  }
}
