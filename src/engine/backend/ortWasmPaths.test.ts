import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nodeOrtWasmDir, ORT_WASM_FILES, servedOrtWasmPath } from './ortWasmPaths';

describe('ortWasmPaths', () => {
  it("serves onnxruntime-web from the app's ort-wasm folder under its base URL, absolute and ending in /", () => {
    expect(servedOrtWasmPath('/', 'http://localhost:4173/assets/trainer.worker-abc.js')).toBe('http://localhost:4173/ort-wasm/');
    expect(servedOrtWasmPath('/studio/', 'https://example.org/studio/assets/trainer.worker-abc.js')).toBe('https://example.org/studio/ort-wasm/');
  });

  it('finds both files the build copies in node_modules', () => {
    const dir = nodeOrtWasmDir(createRequire(import.meta.url).resolve);
    for (const file of ORT_WASM_FILES) expect(existsSync(dir + file), file).toBe(true);
  });
});
