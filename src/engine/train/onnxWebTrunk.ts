import type { TrunkRunnerFactory } from './trunkRunner';

/** Compiling ORT's 14 MB binary and starting its threads takes a few seconds even on a busy machine. */
const ORT_START_TIMEOUT_MS = 60_000;

export interface OnnxWebTrunkOptions {
  /** The folder, ending in `/`, that serves ort-wasm-simd-threaded.{mjs,wasm} (`servedOrtWasmPath`). */
  wasmPath: string;
  /**
   * Threads for ORT's pool. Threads need SharedArrayBuffer, so a worker that is not cross-origin isolated gets 1
   * whatever is asked (ORT checks, and its label says what it got).
   */
  threads: number;
}

/**
 * The frozen prefix on onnxruntime-web in the trainer worker: exported in memory (`prefixToOnnx`: NHWC in and out,
 * as tfjs holds them) and run by ORT's wasm execution provider (its one build: SIMD, threaded), its glue module
 * and binary from the app's own origin. ORT and the exporter load on the first call, so a run whose trunk stays
 * on tfjs never fetches them.
 */
export function onnxWebTrunkRunner({ wasmPath, threads }: OnnxWebTrunkOptions): TrunkRunnerFactory {
  return async (prefix) => {
    const [ort, { prefixToOnnx }] = await Promise.all([import('onnxruntime-web/wasm'), import('../export/onnx/toOnnx')]);
    ort.env.wasm.wasmPaths = wasmPath;
    // Read when the wasm module starts (the first session), fixed after that.
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    // A glue module or pthread worker the page refuses leaves ORT waiting for ever: a start that takes this long
    // has failed, and the run falls back to tfjs.
    ort.env.wasm.initTimeout = ORT_START_TIMEOUT_MS;
    const session = await ort.InferenceSession.create(prefixToOnnx(prefix), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    // ORT lowers numThreads to 1 where SharedArrayBuffer is missing: say what it runs with.
    const got = ort.env.wasm.numThreads ?? threads;
    const outputs = prefix.outputNames;
    return {
      engine: 'onnx',
      label: `onnxruntime-web ${ort.env.versions.web} (wasm, simd, ${got} thread${got === 1 ? '' : 's'})`,
      async run(input, shape) {
        const result = await session.run({ input: new ort.Tensor('float32', input, shape) });
        return outputs.map((name) => result[name].data as Float32Array);
      },
      dispose: () => session.release(),
    };
  };
}
