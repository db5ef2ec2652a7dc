import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** Where the app serves tfjs-backend-wasm's binaries; `src/ui/store/backendSlice.ts` names the same folder. */
const TFJS_WASM_DIR = 'tfjs-wasm';

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * Serves the tfjs wasm binaries from node_modules at `/<TFJS_WASM_DIR>/` in dev and copies them into the
 * build, so nothing is fetched from a CDN at run time.
 */
function tfjsWasm(): Plugin {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  return {
    name: 'transfer-studio:tfjs-wasm',
    configureServer(server) {
      const prefix = `${server.config.base}${TFJS_WASM_DIR}/`;
      server.middlewares.use((req, res, next) => {
        const file = req.url?.startsWith(prefix) ? req.url.slice(prefix.length).split('?')[0] : undefined;
        if (!file || !WASM_FILES.includes(file)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.end(readFileSync(path.join(dir, file)));
      });
    },
    generateBundle() {
      for (const file of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `${TFJS_WASM_DIR}/${file}`, source: readFileSync(path.join(dir, file)) });
      }
    },
  };
}

/** Cross-origin isolation: SharedArrayBuffer, hence the threaded wasm backend, in the page and its workers. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), tfjsWasm()],
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthreads from `wasmFactoryThreadedSimd.toString()`, which must still name
    // its closure variables (`_scriptDir`) as in the source: a minified worker breaks threaded wasm.
    rolldownOptions: {
      output: { minify: false },
      // engine/data has no module side effects: the data worker, which reads zips and decodes images, then
      // leaves out the tensor helpers (and tfjs) that only the training worker uses.
      treeshake: { moduleSideEffects: [{ test: /[\\/]src[\\/]engine[\\/]data[\\/]/, sideEffects: false }] },
    },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // The page imports a few plain helpers (module path formatting, backend names) from engine folders
      // whose index also re-exports tfjs code. Engine modules are plain functions, so unused ones may be
      // dropped: tfjs stays out of the page and runs only in the worker (whose bundle keeps the default).
      treeshake: { moduleSideEffects: [{ test: /[\\/]src[\\/]engine[\\/]/, sideEffects: false }] },
    },
  },
});
