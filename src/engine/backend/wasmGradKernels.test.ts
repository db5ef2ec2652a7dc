import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { registerWasmGradKernels } from './wasmGradKernels';

const wave = (n: number, phase: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.71 + phase));

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}

/** Gradients of a conv (or depthwise conv) w.r.t. its input and its filter, on the named backend. */
async function grads(backend: 'cpu' | 'wasm', c: Case, depthwise: boolean): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const x = tf.tensor4d(wave(c.x.reduce((a, b) => a * b), 0), c.x);
    const f = tf.tensor4d(wave(c.filter.reduce((a, b) => a * b), 1), c.filter);
    const loss = (xx: tf.Tensor, ff: tf.Tensor) => {
      const y = depthwise
        ? tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.strides, c.pad)
        : tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.strides, c.pad);
      return y.mul(tf.tensor(wave(y.size, 2), y.shape)).sum();
    };
    return tf.grads(loss)([x, f]);
  });
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(out);
  return data;
}

beforeAll(async () => {
  await useBackend('wasm');
  registerWasmGradKernels();
});

const conv: Case[] = [
  { name: '3×3 same, stride 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3 same, stride 2, odd size', x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { name: '3×3 valid, stride 2, uneven', x: [1, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { name: '7×7 same, stride 2 (ResNet stem)', x: [2, 16, 16, 3], filter: [7, 7, 3, 4], strides: 2, pad: 'same' },
  { name: '1×1 valid, stride 2 (downsample)', x: [2, 8, 8, 4], filter: [1, 1, 4, 6], strides: 2, pad: 'valid' },
];

const depthwise: Case[] = [
  { name: '3×3 same, stride 1', x: [2, 7, 6, 4], filter: [3, 3, 4, 1], strides: 1, pad: 'same' },
  { name: '5×5 same, stride 2', x: [2, 9, 8, 3], filter: [5, 5, 3, 1], strides: 2, pad: 'same' },
  { name: '3×3 valid, stride 2, multiplier 2', x: [2, 8, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
];

describe('registerWasmGradKernels', () => {
  it.each(conv)('gives conv2d gradients equal to the cpu backend: $name', async (c) => {
    const [dxW, dfW] = await grads('wasm', c, false);
    const [dxC, dfC] = await grads('cpu', c, false);
    expect(Array.from(dxW)).toEqual(Array.from(dxC).map((v) => expect.closeTo(v, 3)));
    expect(Array.from(dfW)).toEqual(Array.from(dfC).map((v) => expect.closeTo(v, 3)));
  });

  it.each(depthwise)('gives depthwise gradients equal to the cpu backend: $name', async (c) => {
    const [dxW, dfW] = await grads('wasm', c, true);
    const [dxC, dfC] = await grads('cpu', c, true);
    expect(Array.from(dxW)).toEqual(Array.from(dxC).map((v) => expect.closeTo(v, 3)));
    expect(Array.from(dfW)).toEqual(Array.from(dfC).map((v) => expect.closeTo(v, 3)));
  });

  it('leaks no tensors', async () => {
    await grads('wasm', conv[1], false);
    const before = tf.memory().numTensors;
    await grads('wasm', conv[1], false);
    await grads('wasm', depthwise[2], true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
