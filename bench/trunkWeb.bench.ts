/**
 * The frozen trunk in Chromium, per backbone: images/s of its forward pass on tfjs-wasm (the studio's CPU backend)
 * against onnxruntime-web's wasm (the studio's `onnx` trunk engine), in one Web Worker of bench/page/trunk.html on
 * the Vite dev server, batch 8, random init (speed does not depend on weight values), median of 3 timed batches
 * after a warm-up (BENCH_QUICK=1: one). The studio's `auto` trunk engine (webTrunkEngine.ts) encodes which one
 * won here. The load average beside the figures says how busy the machine was.
 */
import { chromium, type Page } from 'playwright-core';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type { BackboneName } from '../src/engine/models';
import type { TrunkResult } from './page/trunk';
import type { TrunkRequest } from './page/trunk.worker';
import type { Row } from './ingest.bench';
import { CHROMIUM } from '../e2e/chromium';

/** The table: 224² (face_resnet at its own 150²), batch 8. */
const CASES: { backbone: BackboneName; size: number }[] = [
  { backbone: 'vgg16', size: 224 },
  { backbone: 'resnet18', size: 224 },
  { backbone: 'mobilenet_v3', size: 224 },
  { backbone: 'face_resnet', size: 150 },
];
const BATCH = 8;
const ITERS = process.env.BENCH_QUICK === '1' ? 1 : 3;

async function measure(page: Page, origin: string, request: TrunkRequest, retry = true): Promise<TrunkResult> {
  try {
    await page.goto(`${origin}/bench/page/trunk.html`, { waitUntil: 'networkidle' });
    await page.waitForFunction(() => 'benchTrunk' in globalThis, undefined, { timeout: 60_000 });
    return await page.evaluate((r) => (globalThis as unknown as { benchTrunk: (r: unknown) => Promise<TrunkResult> }).benchTrunk(r), request);
  } catch (e) {
    // Vite may reload the page once while it optimizes a dependency it met late.
    if (!retry || !/context was destroyed|interrupted by another navigation/.test((e as Error).message)) throw e;
    return measure(page, origin, request, false);
  }
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

export async function run(): Promise<Row[]> {
  const server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    server: { port: 0, strictPort: false },
    logLevel: 'silent',
    optimizeDeps: {
      entries: ['bench/page/trunk.html', 'bench/page/trunk.worker.ts'],
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web/wasm', 'onnx-proto'],
    },
  });
  await server.listen();
  const origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  const chrome = await chromium.launch(CHROMIUM);
  const rows: Row[] = [];
  try {
    for (const { backbone, size } of CASES) {
      const page = await chrome.newPage();
      const before = load();
      const base = { bench: 'trunkWeb', where: 'chromium', backbone, input: `${size}², batch ${BATCH}` };
      try {
        const r = await measure(page, origin, { backbone, size, batch: BATCH, iters: ITERS });
        rows.push({
          ...base,
          'tfjs-wasm img/s': +r.tfjsImgS.toPrecision(3),
          'onnxruntime-web img/s': +r.onnxImgS.toPrecision(3),
          'onnx / tfjs': `${(r.onnxImgS / r.tfjsImgS).toPrecision(2)}×`,
          'max |diff| (rel.)': r.maxDiff.toExponential(1),
          engines: `${r.tfjs}; ${r.onnx}${r.crossOriginIsolated ? '' : '; not cross-origin isolated'}`,
          'load avg (1/5/15 min)': `${before} → ${load()}`,
        });
      } catch (e) {
        rows.push({ ...base, note: (e as Error).message.split('\n')[0], 'load avg (1/5/15 min)': `${before} → ${load()}` });
      } finally {
        await page.close();
      }
    }
  } finally {
    await chrome.close();
    await server.close();
  }
  return rows;
}
