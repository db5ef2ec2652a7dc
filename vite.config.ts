import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
// The module itself, not engine/backend's index (which would load tfjs into the config).
import { nodeWasmDir, TFJS_WASM_DIR, TFJS_WASM_FILES } from './src/engine/backend/wasmPaths.ts';
import { nodeOrtWasmDir, ORT_WASM_DIR, ORT_WASM_FILES } from './src/engine/backend/ortWasmPaths.ts';
import { IMAGENET_ORIGINS } from './src/engine/models/weights/imagenetSources.ts';

/**
 * Serves `files` from node_modules folder `dir` at `/<served>/` in dev and copies them into the build, so nothing
 * is fetched from a CDN at run time: tfjs-backend-wasm's binaries, and onnxruntime-web's glue module and binary.
 */
function servedFromNodeModules(name: string, served: string, dir: string, files: readonly string[]): Plugin {
  const contentType = (file: string) => (file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
  return {
    name: `transfer-studio:${name}`,
    configureServer(server) {
      const prefix = `${server.config.base}${served}/`;
      server.middlewares.use((req, res, next) => {
        const file = req.url?.startsWith(prefix) ? req.url.slice(prefix.length).split('?')[0] : undefined;
        if (!file || !files.includes(file)) return next();
        // The server's own headers too (cross-origin isolation): onnxruntime-web's glue module also starts its
        // pthread workers, and a worker script without COEP is refused in an isolated page.
        for (const [name, value] of Object.entries(server.config.server.headers ?? {})) if (value !== undefined) res.setHeader(name, value);
        res.setHeader('Content-Type', contentType(file));
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.end(readFileSync(path.join(dir, file)));
      });
    },
    generateBundle() {
      for (const file of files) this.emitFile({ type: 'asset', fileName: `${served}/${file}`, source: readFileSync(path.join(dir, file)) });
    },
  };
}

const require = createRequire(import.meta.url);
const tfjsWasm = () => servedFromNodeModules('tfjs-wasm', TFJS_WASM_DIR, nodeWasmDir(require.resolve), TFJS_WASM_FILES);
const ortWasm = () => servedFromNodeModules('ort-wasm', ORT_WASM_DIR, nodeOrtWasmDir(require.resolve), ORT_WASM_FILES);

/**
 * onnxruntime-web names its binary `new URL('ort-wasm-simd-threaded.wasm', import.meta.url)` for when no `wasmPaths`
 * is set, and Vite would copy the 14 MB file into the build a second time, hashed, for that path alone. The studio
 * always sets wasmPaths (the ortWasm plugin's folder), so the fallback is pointed at that same folder instead.
 */
function ortOneBinary(): Plugin {
  const pattern = 'new URL("ort-wasm-simd-threaded.wasm",import.meta.url)';
  let base = '/';
  return {
    name: 'transfer-studio:ort-one-binary',
    enforce: 'pre',
    configResolved(config) {
      base = config.base;
    },
    transform(code, id) {
      if (!/[\\/]onnxruntime-web[\\/]dist[\\/]/.test(id) || !code.includes(pattern)) return null;
      return { code: code.replaceAll(pattern, `new URL(${JSON.stringify(`${base}${ORT_WASM_DIR}/${ORT_WASM_FILES[1]}`)}, self.location.href)`), map: null };
    },
  };
}

/**
 * The Content-Security-Policy of the built app: a `<meta http-equiv>` in index.html and the same policy as a
 * response header from `vite preview` (the header also covers the workers, which a meta tag does not reach).
 * - script-src: only the app's own files; 'wasm-unsafe-eval' compiles tfjs-backend-wasm; blob: because the
 *   threaded wasm backend starts its pthread workers from a blob it builds, which `importScripts` a blob.
 *   No 'unsafe-eval' and no 'unsafe-inline': nothing in the bundle evals (Plotly's and decimal.js's
 *   `Function('return this')` fallbacks sit behind a `globalThis` / `self` check that never reaches them).
 * - worker-src: the app's workers, and the pthread workers' blob: URLs.
 * - style-src 'unsafe-inline': Plotly adds its rules in `<style>` elements it creates at run time (without it
 *   Chromium refuses them and Plotly warns "Cannot addRelatedStyleRule, probably due to strict CSP"). Styles
 *   cannot run script. React's `style={…}` goes through CSSOM and would need nothing.
 * - img-src blob: data: thumbnails and predictions are blob: URLs; the favicon is `data:,`.
 * - connect-src: the app's own files (samples, weights, wasm), blob:/data: URLs, plus the origins weights may be
 *   fetched from: by default exactly the Hugging Face hub's (IMAGENET_ORIGINS, for "Get ImageNet weights"). A
 *   meta or header policy cannot be widened at run time, so other origins are added at build time:
 *   `WEIGHTS_ORIGINS="https://example.org" npm run build` (space-separated CSP sources; a redirect's target is
 *   checked too, so list the host it redirects to); `WEIGHTS_ORIGINS=none` allows no outside origin at all. The
 *   e2e build adds `http://127.0.0.1:*`, where e2e/weights.spec.ts serves its "other URL" file.
 */
export function contentSecurityPolicy(outsideOrigins: readonly string[] = IMAGENET_ORIGINS): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    ['connect-src', "'self'", 'blob:', 'data:', ...outsideOrigins].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** connect-src's outside origins: the hub's, plus WEIGHTS_ORIGINS (`none`: not even the hub's), plus 127.0.0.1 in e2e. */
export function weightsOrigins(extra: string | undefined, mode: string): string[] {
  const words = (extra ?? '').split(/\s+/).filter(Boolean);
  if (words.includes('none')) return [];
  return [...IMAGENET_ORIGINS, ...words, ...(mode === 'e2e' ? ['http://127.0.0.1:*'] : [])];
}

/**
 * Puts the policy in the built index.html's head, right after `<meta charset>`; `vite preview` sends the policy
 * that build holds as a header on every response (so a build made with other WEIGHTS_ORIGINS, or in e2e mode, is
 * served with its own policy). Not in dev: Vite's dev server injects inline scripts (the React refresh preamble).
 */
function csp(): Plugin {
  let outDir = 'dist';
  let policy = '';
  return {
    name: 'transfer-studio:csp',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      policy = contentSecurityPolicy(weightsOrigins(process.env.WEIGHTS_ORIGINS, config.mode));
    },
    transformIndexHtml: {
      order: 'post',
      handler: (html, ctx) =>
        ctx.server ? html : html.replace(/<meta charset[^>]*>/i, (charset) => `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`),
    },
    configurePreviewServer(server) {
      let built = policy;
      try {
        const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
        built = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? policy;
      } catch {
        // no build yet: vite preview fails on its own
      }
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', built);
        next();
      });
    },
  };
}

/** Cross-origin isolation: SharedArrayBuffer, hence the threaded wasm backend, in the page and its workers. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), tfjsWasm(), ortWasm(), csp()],
  // A dependency cache of its own for e2e-dev runs (they start from an empty one), so they never touch the
  // one `npm start` uses.
  cacheDir: process.env.VITE_CACHE_DIR,
  worker: {
    format: 'es',
    plugins: () => [ortOneBinary()],
    // tfjs-backend-wasm starts its pthreads from `wasmFactoryThreadedSimd.toString()`, which must still name
    // its closure variables (`_scriptDir`) as in the source: a minified worker breaks threaded wasm.
    rolldownOptions: {
      output: { minify: false },
      // engine/data has no module side effects: a worker bundle leaves out the parts of it that the worker
      // does not use (the landmarks worker, which decodes images, then holds none of the zip reading).
      treeshake: { moduleSideEffects: [{ test: /[\\/]src[\\/]engine[\\/]data[\\/]/, sideEffects: false }] },
    },
  },
  optimizeDeps: {
    // The workers' imports too (Vite scans only the page's by default): a dependency first met when a worker
    // starts would be optimized then, and Vite reloads the page for it (the Landmarks panel lost its face).
    entries: ['index.html', 'src/workers/*.worker.ts'],
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
