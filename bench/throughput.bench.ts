/**
 * Images/s per backend, measured in one run: a forward pass and the book's frozen-trunk train step of
 * mobilenet_v3 + the binary head, in Chromium (webgpu, webgl, wasm: bench/page/throughput.html on the Vite dev
 * server, Debian's Chromium with WebGPU through SwiftShader) and in Node (webgpu through Dawn + SwiftShader,
 * wasm, cpu). Small input and few iterations: software WebGPU forwards MobileNet at 224² at well under 1 img/s.
 * Random init (throughput does not depend on weight values). Median of 3 timed iterations after a warm-up
 * (BENCH_QUICK=1: one).
 */
import { chromium, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type { BackendName } from '../src/engine/backend';
import { useBackend, type NodeBackend } from '../src/cli/node/nodeBackends';
import { measureThroughput, type Throughput, type ThroughputOptions } from './lib/throughput';
import type { PageResult } from './page/throughput.worker';
import type { Row } from './ingest.bench';
import { CHROMIUM } from '../e2e/chromium';

const OPTIONS: ThroughputOptions = {
  backbone: 'mobilenet_v3',
  size: 64,
  batch: 4,
  iters: process.env.BENCH_QUICK === '1' ? 1 : 3,
};
const BROWSER_BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm'];
const NODE_BACKENDS: NodeBackend[] = ['webgpu', 'wasm', 'cpu'];

type Result = (Throughput & { note?: string }) | { error: string };

async function inNode(): Promise<Record<string, Result>> {
  const out: Record<string, Result> = {};
  for (const backend of NODE_BACKENDS) {
    try {
      await useBackend(backend);
      // tfjs-backend-wasm 4.22 never starts its threaded build in Node (IS_NODE), whatever setThreadsCount asks.
      const note = backend === 'wasm' ? `${(await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount()} thread(s)` : '';
      out[backend] = { ...(await measureThroughput(OPTIONS)), note };
    } catch (e) {
      out[backend] = { error: (e as Error).message };
    }
  }
  return out;
}

/** One measurement in a fresh worker of the bench page; tried again once if Vite reloaded the page meanwhile (dependency optimization on first load). */
async function measureInPage(page: Page, origin: string, backend: BackendName, retry = true): Promise<PageResult> {
  try {
    await page.goto(`${origin}/bench/page/throughput.html`, { waitUntil: 'networkidle' });
    await page.waitForFunction(() => 'benchThroughput' in globalThis, undefined, { timeout: 60_000 });
    return await page.evaluate(
      ([b, o]) => (globalThis as unknown as { benchThroughput: (b: string, o: unknown) => Promise<PageResult> }).benchThroughput(b, o),
      [backend, OPTIONS] as const,
    );
  } catch (e) {
    if (!retry || !/context was destroyed|interrupted by another navigation/.test((e as Error).message)) throw e;
    return measureInPage(page, origin, backend, false);
  }
}

async function inChromium(): Promise<Record<string, Result>> {
  const server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    server: { port: 0, strictPort: false },
    logLevel: 'silent',
    // Pre-bundle what the page's worker imports, so Vite does not re-optimize and reload the page mid-run.
    optimizeDeps: {
      entries: ['bench/page/throughput.html', 'bench/page/throughput.worker.ts'],
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
    },
  });
  await server.listen();
  const origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  const chrome = await chromium.launch(CHROMIUM);
  const out: Record<string, Result> = {};
  try {
    for (const backend of BROWSER_BACKENDS) {
      // A fresh page per backend: the wasm module fixes its thread count when it starts.
      const page = await chrome.newPage();
      try {
        const r = await measureInPage(page, origin, backend);
        const note = [r.adapter, r.threads ? `${r.threads} threads` : '', r.crossOriginIsolated ? '' : 'not cross-origin isolated']
          .filter(Boolean)
          .join(', ');
        out[backend] = { ...r, note };
      } catch (e) {
        out[backend] = { error: (e as Error).message.split('\n')[0] };
      } finally {
        await page.close();
      }
    }
  } finally {
    await chrome.close();
    await server.close();
  }
  return out;
}

export async function run(): Promise<Row[]> {
  const browser = await inChromium();
  const node = await inNode();
  const rows: Row[] = [];
  const add = (where: string, results: Record<string, Result>) => {
    for (const [backend, r] of Object.entries(results)) {
      const base = { bench: 'throughput', where, backend, model: `${OPTIONS.backbone} @${OPTIONS.size}², batch ${OPTIONS.batch}` };
      if ('error' in r) rows.push({ ...base, 'forward img/s': '—', 'frozen-trunk step img/s': '—', note: r.error });
      else
        rows.push({
          ...base,
          'forward img/s': +r.forwardImgS.toPrecision(3),
          'frozen-trunk step img/s': +r.stepImgS.toPrecision(3),
          'warm-up s': +r.warmupS.toFixed(1),
          note: r.note ?? '',
        });
    }
  };
  add('chromium', browser);
  add('node', node);
  // Ratios within this run: every backend against Node wasm, the engine's fastest CPU path here.
  const ref = node.wasm && !('error' in node.wasm) ? node.wasm.forwardImgS : NaN;
  for (const r of rows) r['forward vs node wasm'] = typeof r['forward img/s'] === 'number' ? `${(r['forward img/s'] / ref).toPrecision(2)}×` : '—';
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await run());
  process.exit(0);
}
