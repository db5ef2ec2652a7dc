import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/nodeBackends';
import { selectBackend } from './selectBackend';

beforeAll(async () => {
  await useBackend('cpu'); // Dawn's navigator.gpu, wasm binaries from node_modules
});

describe('selectBackend', () => {
  it('refuses the SwiftShader WebGPU adapter on auto and settles on wasm', async () => {
    const choice = await selectBackend({ preference: 'auto', wasmThreads: 2 });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toBe('WebGPU adapter is software (SwiftShader)');
    expect(choice.adapter).toMatch(/swiftshader/i);
    expect(choice.tried.map((t) => [t.backend, t.ok])).toEqual([
      ['webgpu', false],
      ['wasm', true],
    ]);
  });

  it('uses WebGPU on SwiftShader when forced, after the smoke step passes', async () => {
    const choice = await selectBackend({ preference: 'webgpu' });
    expect(choice.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.reason).toMatch(/forced.*SwiftShader/);
  });

  it('uses the cpu backend when forced', async () => {
    const choice = await selectBackend({ preference: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', reason: 'cpu forced', tried: [{ backend: 'cpu', ok: true }] });
  });
});
