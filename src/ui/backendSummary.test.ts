import { describe, expect, it } from 'vitest';
import type { BackendChoice } from '../engine/backend';
import { backendSummary } from './backendSummary';

const choice = (c: Partial<BackendChoice>): BackendChoice => ({ backend: 'wasm', reason: '', preference: 'auto', tried: [], ...c });

describe('backendSummary', () => {
  it('says CPU and why when no GPU was usable', () => {
    expect(backendSummary(choice({ backend: 'wasm', threads: 2, reason: 'WebGPU adapter is software (SwiftShader)' }))).toBe(
      'Running on your CPU (2 threads) — no usable GPU found',
    );
  });

  it('says GPU for WebGPU, and "as chosen" when the user forced a backend', () => {
    expect(backendSummary(choice({ backend: 'webgpu' }))).toBe('Running on your GPU (WebGPU)');
    expect(backendSummary(choice({ backend: 'cpu', preference: 'cpu' }))).toBe('Running on your CPU (plain JavaScript, slowest) — as chosen');
  });
});
