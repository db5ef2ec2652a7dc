import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeWasmDir, servedWasmPath, TFJS_WASM_FILES } from './wasmPaths';

describe('servedWasmPath', () => {
  it("is the app's tfjs-wasm folder under its base URL, absolute and ending in /", () => {
    expect(servedWasmPath('/', 'http://localhost:4173/')).toBe('http://localhost:4173/tfjs-wasm/');
    expect(servedWasmPath('/studio/', 'https://example.org/studio/assets/trainer.worker-abc.js')).toBe('https://example.org/studio/tfjs-wasm/');
  });
});

describe('nodeWasmDir', () => {
  it('is the folder in node_modules that holds every binary tfjs-backend-wasm may fetch', () => {
    const dir = nodeWasmDir(createRequire(import.meta.url).resolve);
    expect(dir.endsWith(path.sep)).toBe(true);
    expect(dir).toContain(`node_modules${path.sep}@tensorflow${path.sep}tfjs-backend-wasm`);
    for (const file of TFJS_WASM_FILES) expect(existsSync(dir + file), file).toBe(true);
  });
});
