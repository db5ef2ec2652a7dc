import { describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { adapterFacts, describeAdapter, type AdapterFacts } from './adapterFacts';
import { judgeAdapter, softwareAdapterName } from './judgeAdapter';

/** What adapters report about themselves (`GPUAdapter.info`), as plain data: no GPU needed to judge them. */
const ADAPTERS = {
  /** Dawn's and Chromium's software Vulkan, as Dawn in Node reports it on a machine without a GPU. */
  swiftShader: {
    vendor: 'google',
    architecture: 'swiftshader',
    device: 'swiftshader-device-subzero-',
    description: 'SwiftShader driver 5.0.0',
    isFallbackAdapter: true,
  },
  /** Mesa's software Vulkan, which does not call itself a fallback. */
  llvmpipe: { vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)', isFallbackAdapter: false },
  discrete: { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false },
  integrated: { vendor: 'intel', architecture: 'gen-12lp', device: '', description: 'Intel(R) Iris(R) Xe Graphics', isFallbackAdapter: false },
  /** A fallback adapter whose info names nothing (browsers may blank it). */
  anonymousFallback: { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: true },
} satisfies Record<string, AdapterFacts>;

describe('adapterFacts', () => {
  it("reads a GPUAdapter's info, and the fallback flag from info or from the adapter (older browsers)", () => {
    const info = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060' };
    expect(adapterFacts({ info: { ...info, isFallbackAdapter: false } })).toEqual(ADAPTERS.discrete);
    expect(adapterFacts({ info: { ...info, isFallbackAdapter: true } }).isFallbackAdapter).toBe(true);
    expect(adapterFacts({ info, isFallbackAdapter: true }).isFallbackAdapter).toBe(true);
  });

  it('gives empty strings for what the adapter does not say', () => {
    expect(adapterFacts({})).toEqual({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false });
    expect(adapterFacts({ info: { vendor: 7, description: 'x' } })).toMatchObject({ vendor: '', description: 'x' });
  });
});

describe('describeAdapter', () => {
  it('names the adapter by vendor and architecture, with its description', () => {
    expect(describeAdapter(ADAPTERS.swiftShader)).toBe('google swiftshader (SwiftShader driver 5.0.0)');
    expect(describeAdapter(ADAPTERS.discrete)).toBe('nvidia ampere (NVIDIA GeForce RTX 3060)');
    expect(describeAdapter(ADAPTERS.anonymousFallback)).toBe('unknown adapter');
  });
});

describe('judgeAdapter', () => {
  it.each([
    ['SwiftShader', ADAPTERS.swiftShader, 'SwiftShader'],
    ['llvmpipe', ADAPTERS.llvmpipe, 'llvmpipe'],
    ['a fallback adapter whose info names no known renderer', ADAPTERS.anonymousFallback, 'fallback adapter'],
  ] as const)('refuses %s and names it; takes it when WebGPU is forced', (_, facts, name) => {
    expect(softwareAdapterName(facts)).toBe(name);
    expect(judgeAdapter(facts)).toEqual({ ok: false, reason: `WebGPU adapter is software (${name})` });
    expect(judgeAdapter(facts, true)).toEqual({ ok: true, reason: `WebGPU forced; adapter is software (${name})` });
  });

  it.each([
    ['a discrete GPU', ADAPTERS.discrete],
    ['an integrated GPU', ADAPTERS.integrated],
  ] as const)('takes %s as hardware', (_, facts) => {
    expect(softwareAdapterName(facts)).toBeNull();
    expect(judgeAdapter(facts)).toEqual({ ok: true, reason: 'hardware WebGPU adapter' });
    expect(judgeAdapter(facts, true)).toEqual({ ok: true, reason: 'WebGPU forced' });
  });

  it('refuses when there is no adapter at all, forced or not', () => {
    expect(judgeAdapter(null)).toEqual({ ok: false, reason: 'no WebGPU adapter' });
    expect(judgeAdapter(null, true)).toEqual({ ok: false, reason: 'no WebGPU adapter' });
  });
});

describe('the Dawn adapter of this Node process', () => {
  it('is read as it reports itself and judged by that, whatever it is (SwiftShader here, a GPU elsewhere)', async () => {
    await useBackend('cpu'); // installs navigator.gpu from Dawn
    const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<unknown> } } }).navigator.gpu;
    const adapter = (await gpu.requestAdapter()) as { info: Record<string, unknown> } | null;
    if (!adapter) {
      expect(judgeAdapter(null).ok).toBe(false);
      return;
    }
    const facts = adapterFacts(adapter);
    console.log(`Dawn adapter: ${describeAdapter(facts)}${facts.isFallbackAdapter ? ', fallback' : ''}`);
    for (const key of ['vendor', 'architecture', 'device', 'description'] as const) expect(facts[key]).toBe(adapter.info[key] ?? '');
    const software = softwareAdapterName(facts);
    // A fallback adapter is software whatever its name.
    if (facts.isFallbackAdapter) expect(software).not.toBeNull();
    expect(judgeAdapter(facts)).toEqual(
      software ? { ok: false, reason: `WebGPU adapter is software (${software})` } : { ok: true, reason: 'hardware WebGPU adapter' },
    );
    expect(judgeAdapter(facts, true).ok).toBe(true);
  });
});
