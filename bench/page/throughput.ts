/**
 * Page side of bench/throughput.bench.ts: `benchThroughput(backend, options)` measures in a fresh Web Worker
 * (one per call: tfjs-backend-wasm fixes its thread count when its module starts).
 */
import type { BackendName } from '../../src/engine/backend';
import type { ThroughputOptions } from '../lib/throughput';
import type { PageResult, WorkerRequest } from './throughput.worker';

export type { PageResult };

function benchThroughput(backend: BackendName, options: ThroughputOptions): Promise<PageResult> {
  const worker = new Worker(new URL('./throughput.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<PageResult>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<{ ok: true; result: PageResult } | { ok: false; error: string }>) =>
      data.ok ? resolve(data.result) : reject(new Error(data.error));
    worker.onerror = (e) => reject(new Error(e.message || 'worker failed to start'));
    worker.postMessage({ backend, options } satisfies WorkerRequest);
  }).finally(() => worker.terminate());
}

(globalThis as unknown as { benchThroughput: typeof benchThroughput }).benchThroughput = benchThroughput;
