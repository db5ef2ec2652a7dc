// Where onnxruntime-web's wasm build comes from (the frozen trunk's engine in the trainer worker): one module, so
// the folder the app serves, the files it copies and the folder in node_modules are named once.

/**
 * The files onnxruntime-web's wasm execution provider loads: the Emscripten glue (an ES module, which also starts
 * the pthread workers from its own URL) and the SIMD + threads binary it instantiates.
 */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'] as const;

/** Browser: the folder, under the app's base URL, that serves them (vite.config.ts's ortWasm plugin). */
export const ORT_WASM_DIR = 'ort-wasm';

/** Browser: `ort.env.wasm.wasmPaths` for an app served at `base` (Vite's `BASE_URL`), seen from `scriptUrl`. */
export function servedOrtWasmPath(base: string, scriptUrl: string): string {
  return new URL(`${base}${ORT_WASM_DIR}/`, scriptUrl).href;
}

/** Node (the build): the files' folder in node_modules, ending in a separator, found with `createRequire(…).resolve`. */
export function nodeOrtWasmDir(resolve: (id: string) => string): string {
  const file = ORT_WASM_FILES[1];
  const found = resolve(`onnxruntime-web/${file}`);
  return found.slice(0, found.length - file.length);
}
