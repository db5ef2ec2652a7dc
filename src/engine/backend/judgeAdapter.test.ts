import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/nodeBackends';
import { adapterFacts, describeAdapter, type AdapterFacts } from './adapterFacts';
import { judgeAdapter, softwareAdapterName } from './judgeAdapter';

/** The adapter Node's Dawn (the `webgpu` package) hands out here: SwiftShader, as Chromium's does. */
let dawn: AdapterFacts;

beforeAll(async () => {
  await useBackend('cpu'); // installs navigator.gpu from Dawn
  const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<unknown> } } }).navigator.gpu;
  const adapter = await gpu.requestAdapter();
  expect(adapter).toBeTruthy();
  dawn = adapterFacts(adapter);
});

const hardware: AdapterFacts = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3060',
  isFallbackAdapter: false,
};

describe('adapterFacts', () => {
  it('reads vendor, architecture and the fallback flag off a real Dawn adapter', () => {
    expect(dawn.architecture).toMatch(/swiftshader/i);
    expect(typeof dawn.isFallbackAdapter).toBe('boolean');
    expect(describeAdapter(dawn)).toMatch(/swiftshader/i);
  });
});

describe('judgeAdapter', () => {
  it('refuses the SwiftShader adapter and names it', () => {
    expect(softwareAdapterName(dawn)).toBe('SwiftShader');
    expect(judgeAdapter(dawn)).toEqual({ ok: false, reason: 'WebGPU adapter is software (SwiftShader)' });
  });

  it('takes the SwiftShader adapter when WebGPU is forced, and says it is software', () => {
    const verdict = judgeAdapter(dawn, true);
    expect(verdict.ok).toBe(true);
    expect(verdict.reason).toMatch(/forced.*SwiftShader/);
  });

  it('refuses a fallback adapter whose info names no known renderer', () => {
    const anonymous: AdapterFacts = { ...hardware, vendor: '', architecture: '', description: '', isFallbackAdapter: true };
    expect(judgeAdapter(anonymous)).toEqual({ ok: false, reason: 'WebGPU adapter is software (fallback adapter)' });
  });

  it('refuses when there is no adapter at all', () => {
    expect(judgeAdapter(null)).toEqual({ ok: false, reason: 'no WebGPU adapter' });
  });

  it('takes a hardware adapter', () => {
    expect(judgeAdapter(hardware)).toEqual({ ok: true, reason: 'hardware WebGPU adapter' });
  });
});
