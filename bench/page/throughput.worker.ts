/**
 * Worker side of bench/page/throughput.html: the studio trains in a Web Worker, so throughput is measured in
 * one too (threaded wasm blocks properly there; on the main thread it has to spin). Picks the backend the way
 * the studio's worker does (`selectBackend`, wasm binaries where the dev server serves the app's: `servedWasmPath`).
 */
import { selectBackend, servedWasmPath, type BackendName } from '../../src/engine/backend';
import { measureThroughput, type Throughput, type ThroughputOptions } from '../lib/throughput';

export interface WorkerRequest {
  backend: BackendName;
  options: ThroughputOptions;
}

export interface PageResult extends Throughput {
  backend: BackendName;
  adapter?: string;
  threads?: number;
  crossOriginIsolated: boolean;
}

self.onmessage = async ({ data }: MessageEvent<WorkerRequest>) => {
  try {
    const choice = await selectBackend({ preference: data.backend, wasmPath: servedWasmPath('/', location.href) });
    if (choice.backend !== data.backend) throw new Error(`${data.backend} unavailable: ${choice.reason}`);
    const result = await measureThroughput(data.options);
    const reply: PageResult = { ...result, backend: data.backend, adapter: choice.adapter, threads: choice.threads, crossOriginIsolated };
    postMessage({ ok: true, result: reply });
  } catch (e) {
    postMessage({ ok: false, error: (e as Error).message ?? String(e) });
  }
};
