import { describe, expect, it } from 'vitest';
import { backendOrder, parseBackendPreference } from './backendNames';
import { explainChoice } from './explainChoice';

describe('backendOrder', () => {
  it('tries webgpu, wasm, webgl, cpu on auto', () => {
    expect(backendOrder('auto')).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
  });

  it('tries a forced backend first, then the rest in order', () => {
    expect(backendOrder('webgl')).toEqual(['webgl', 'webgpu', 'wasm', 'cpu']);
  });
});

describe('parseBackendPreference', () => {
  it('reads a known name and treats anything else as auto', () => {
    expect(parseBackendPreference('WebGPU')).toBe('webgpu');
    expect(parseBackendPreference('cuda')).toBe('auto');
    expect(parseBackendPreference(null)).toBe('auto');
  });
});

describe('explainChoice', () => {
  it('gives the refusals of the backends before the chosen one', () => {
    const reason = explainChoice('auto', [
      { backend: 'webgpu', ok: false, reason: 'WebGPU adapter is software (SwiftShader)' },
      { backend: 'wasm', ok: true, reason: 'wasm backend' },
    ]);
    expect(reason).toBe('WebGPU adapter is software (SwiftShader)');
  });

  it("gives the chosen backend's own reason when it was the first tried", () => {
    expect(explainChoice('auto', [{ backend: 'webgpu', ok: true, reason: 'hardware WebGPU adapter' }])).toBe(
      'hardware WebGPU adapter',
    );
  });

  it('says when a forced backend failed', () => {
    const reason = explainChoice('webgl', [
      { backend: 'webgl', ok: false, reason: 'webgl backend failed to initialise' },
      { backend: 'webgpu', ok: false, reason: 'no WebGPU adapter' },
      { backend: 'wasm', ok: true, reason: 'wasm backend' },
    ]);
    expect(reason).toBe('forced webgl failed: webgl backend failed to initialise; no WebGPU adapter');
  });
});
