/**
 * Page side of bench/trunkWeb.bench.ts: `benchTrunk(request)` measures one backbone's frozen trunk on tfjs-wasm and
 * on onnxruntime-web in a fresh Web Worker (the studio's trainer worker holds both the same way).
 */
import type { TrunkRequest, TrunkResult } from './trunk.worker';

export type { TrunkResult };

function benchTrunk(request: TrunkRequest): Promise<TrunkResult> {
  const worker = new Worker(new URL('./trunk.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<TrunkResult>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<{ ok: true; result: TrunkResult } | { ok: false; error: string }>) =>
      data.ok ? resolve(data.result) : reject(new Error(data.error));
    worker.onerror = (e) => reject(new Error(e.message || 'worker failed to start'));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

(globalThis as unknown as { benchTrunk: typeof benchTrunk }).benchTrunk = benchTrunk;
