/**
 * Ingestion throughput on the real facial-keypoints.zip (500 images): every image inflated from the zip,
 * decoded and stretched to 224×224 RGB — in Node (sharp) and in the Chromium trainer worker (createImageBitmap +
 * OffscreenCanvas), measured in the same run. Prints a table; `run()` returns its rows for bench/run.ts.
 */
import { chromium } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { openDataset } from '../src/cli/node/openDataset';
import { sharpDecoder } from '../src/cli/node/sharpDecoder';
import { scanDataset } from '../src/engine/data';
import { CHROMIUM } from '../e2e/chromium';

export type Row = Record<string, string | number>;

const ZIP = fileURLToPath(new URL('../../shared/datasets/facial-keypoints.zip', import.meta.url));
const SIZE = 224;

/** Node: the CLI's path (file reads + fflate + sharp), one image after another. */
async function node(): Promise<{ images: number; seconds: number; scanSeconds: number }> {
  const { archive, close } = await openDataset(ZIP);
  const t0 = performance.now();
  const { items } = await scanDataset(archive, { decoder: sharpDecoder });
  const scanSeconds = (performance.now() - t0) / 1000;
  const start = performance.now();
  for (const item of items) await sharpDecoder(await archive.read(item.path), { width: SIZE, height: SIZE });
  const seconds = (performance.now() - start) / 1000;
  await close();
  return { images: items.length, seconds, scanSeconds };
}

/** Chromium: the studio's trainer worker, loaded from a Vite dev server into a blank page of the same origin. */
async function browser(): Promise<{ images: number; seconds: number; scanSeconds: number }> {
  const server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    server: { port: 0, strictPort: false },
    logLevel: 'silent',
  });
  await server.listen();
  const origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  const chrome = await chromium.launch(CHROMIUM);
  try {
    const page = await chrome.newPage();
    const zip = await readFile(ZIP);
    await page.route(`${origin}/__ingest.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>ingest</title>' }));
    await page.route(`${origin}/__ingest.zip`, (r) => r.fulfill({ contentType: 'application/zip', body: zip }));
    await page.goto(`${origin}/__ingest.html`);
    return await page.evaluate(async (size) => {
      // Served by the Vite dev server; typed as the module it is.
      const url = '/src/ui/trainerWorkerClient.ts';
      const { trainerWorker } = (await import(/* @vite-ignore */ url)) as typeof import('../src/ui/trainerWorkerClient');
      const blob = await (await fetch('/__ingest.zip')).blob();
      const t0 = performance.now();
      const report = await trainerWorker.openDataset({ kind: 'zip', name: 'facial-keypoints.zip', blob }, undefined, () => {});
      const scanSeconds = (performance.now() - t0) / 1000;
      const { images, seconds } = await trainerWorker.now((api) => api.ingest(blob, size));
      trainerWorker.terminate();
      const kept = Object.values(report.splits).reduce((n, s) => n + s.count, 0);
      if (images !== kept) throw new Error('ingest and scan disagree');
      return { images, seconds, scanSeconds };
    }, SIZE);
  } finally {
    await chrome.close();
    await server.close();
  }
}

export async function run(): Promise<Row[]> {
  const n = await node();
  const b = await browser();
  const row = (where: string, r: typeof n): Row => ({
    bench: 'ingest facial-keypoints.zip',
    where,
    images: r.images,
    'scan (inflate+header+decode check) img/s': Math.round(r.images / r.scanSeconds),
    [`decode+resize ${SIZE} img/s`]: Math.round(r.images / r.seconds),
    'vs node': +(n.seconds / r.seconds).toFixed(2),
  });
  return [row('node (sharp)', n), row('chromium worker (createImageBitmap)', b)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await run());
}
