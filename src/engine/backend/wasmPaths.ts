// Where tfjs-backend-wasm's binaries come from, for each place the engine runs: one module, so the folder the app
// serves, the files it copies and the folder Node reads are named once.

/** The binaries tfjs-backend-wasm may fetch (plain, SIMD, threaded SIMD: it picks one when it starts). */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Browser: the folder, under the app's base URL, that serves the binaries (vite.config.ts's tfjsWasm plugin). */
export const TFJS_WASM_DIR = 'tfjs-wasm';

/** Browser: `selectBackend`'s `wasmPath` for an app served at `base` (Vite's `BASE_URL`), seen from `pageUrl`. */
export function servedWasmPath(base: string, pageUrl: string): string {
  return new URL(`${base}${TFJS_WASM_DIR}/`, pageUrl).href;
}

/**
 * Node: the binaries' folder in node_modules, ending in a path separator, found with the caller's
 * `createRequire(import.meta.url).resolve` (the engine imports no Node module).
 */
export function nodeWasmDir(resolve: (id: string) => string): string {
  const file = TFJS_WASM_FILES[0];
  const found = resolve(`@tensorflow/tfjs-backend-wasm/dist/${file}`);
  return found.slice(0, found.length - file.length);
}
