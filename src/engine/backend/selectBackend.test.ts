import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { adapterFacts, describeAdapter } from './adapterFacts';
import { selectBackend } from './selectBackend';

interface Gpu {
  requestAdapter(options?: object): Promise<unknown>;
}
const navigator = () => (globalThis as unknown as { navigator: { gpu?: Gpu } }).navigator;

/**
 * Runs `body` with `navigator.gpu` replaced by `gpu` (undefined: none), then puts Dawn's back. The fakes stand in
 * for the browser's WebGPU entry point only, so the choice does not depend on this machine's adapter.
 */
async function withGpu<T>(gpu: Gpu | undefined, body: () => Promise<T>): Promise<T> {
  const real = Object.getOwnPropertyDescriptor(navigator(), 'gpu')!;
  Object.defineProperty(navigator(), 'gpu', { value: gpu, configurable: true });
  try {
    return await body();
  } finally {
    Object.defineProperty(navigator(), 'gpu', real);
  }
}

/** A navigator.gpu whose only adapter reports `info`. */
const gpuWith = (info: Record<string, unknown> | null): Gpu => ({ requestAdapter: async () => (info ? { info } : null) });
const swiftShader = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true };
const nvidia = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false };

beforeAll(async () => {
  await useBackend('cpu'); // Dawn's navigator.gpu, wasm binaries from node_modules
});

describe('selectBackend', () => {
  it('refuses a software WebGPU adapter on auto and settles on wasm', async () => {
    const choice = await withGpu(gpuWith(swiftShader), () => selectBackend({ preference: 'auto', wasmThreads: 2 }));
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toBe('WebGPU adapter is software (SwiftShader)');
    expect(choice.adapter).toBe('google swiftshader (SwiftShader driver 5.0.0)');
    expect(choice.tried.map((t) => [t.backend, t.ok])).toEqual([
      ['webgpu', false],
      ['wasm', true],
    ]);
  });

  it.each([
    ['no navigator.gpu', undefined, 'WebGPU is not available (no navigator.gpu)'],
    ['no adapter', gpuWith(null), 'no WebGPU adapter'],
    ['requestAdapter throwing', { requestAdapter: () => Promise.reject(new Error('lost')) }, 'requestAdapter threw: lost'],
  ] as const)('settles on wasm with %s, and says so', async (_, gpu, reason) => {
    const choice = await withGpu(gpu, () => selectBackend({ preference: 'auto', wasmThreads: 2 }));
    expect(choice).toMatchObject({ backend: 'wasm', reason });
    expect(choice.adapter).toBeUndefined();
  });

  it('passes a hardware adapter on to the webgpu backend, and falls back to wasm when that cannot start on it', async () => {
    // The fake adapter cannot make a device: the webgpu backend's start fails after the adapter was judged fine.
    const choice = await withGpu(gpuWith(nvidia), () => selectBackend({ preference: 'auto', wasmThreads: 2 }));
    expect(choice.adapter).toBe('nvidia ampere (NVIDIA GeForce RTX 3060)');
    expect(choice.tried[0]).toMatchObject({ backend: 'webgpu', ok: false });
    expect(choice.tried[0].reason).toMatch(/^webgpu backend failed to initialise/);
    expect(choice.backend).toBe('wasm');
  });

  it("uses Dawn's adapter when WebGPU is forced, whatever it is, after the smoke step passes", async () => {
    const gpu = navigator().gpu!;
    const facts = adapterFacts(await gpu.requestAdapter());
    const choice = await selectBackend({ preference: 'webgpu' });
    expect(choice.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.reason).toMatch(/^WebGPU forced/);
    expect(choice.adapter).toBe(describeAdapter(facts));
  });

  it('uses the cpu backend when forced', async () => {
    const choice = await selectBackend({ preference: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', reason: 'cpu forced', tried: [{ backend: 'cpu', ok: true }] });
  });
});
