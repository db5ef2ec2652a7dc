/**
 * The page's main thread while the studio trains: the e2e journey of e2e/train.spec.ts (cats-dogs sample, 64²,
 * batch 8, 2 epochs) in the built app (`vite build --mode e2e`, served by `vite preview`) in Debian's Chromium,
 * with every long task (> 50 ms, by the Long Tasks API's definition) recorded from start to done. Training runs
 * in the trainer worker, so the page's longest task is what a user feels; 50 ms is the budget it is compared to.
 */
import { chromium, type Page } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { CHROMIUM } from '../e2e/chromium';
import type { Row } from './ingest.bench';

/** A long task is over 50 ms by definition; the studio aims to have none while it trains. */
const BUDGET_MS = 50;
const CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

interface LongTask {
  start: number;
  duration: number;
}

/** Waits until the store field `key` equals `value` (polled on the page, twice a second). */
async function storeReaches(page: Page, key: string, value: unknown, timeout = 180_000): Promise<void> {
  await page.waitForFunction(
    ([k, v]) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k as string] === v,
    [key, value] as const,
    { timeout, polling: 500 },
  );
}

async function trainInPage(page: Page, origin: string): Promise<{ seconds: number; tasks: LongTask[]; backend: string }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: LongTask[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(origin);
  await storeReaches(page, 'modelStatus', 'ready', 90_000);
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
  await storeReaches(page, 'datasetStatus', 'ready', 60_000);
  await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __store: { getState(): { modelStatus: string; modelConfig?: { inputSize?: number } } } }).__store.getState();
      return s.modelStatus === 'ready' && s.modelConfig?.inputSize === 64;
    },
    undefined,
    { timeout: 60_000, polling: 500 },
  );
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('2');
  const start = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Start training' }).click();
  await storeReaches(page, 'trainState', 'done');
  const end = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(
    ([s, e]) => (window as unknown as { __longTasks: LongTask[] }).__longTasks.filter((t) => t.start + t.duration >= s && t.start <= e),
    [start, end] as const,
  );
  const backend = await page.evaluate(
    () => (window as unknown as { __store: { getState(): { backendChoice: { backend: string } | null } } }).__store.getState().backendChoice?.backend ?? '?',
  );
  return { seconds: (end - start) / 1000, tasks, backend };
}

export async function run(): Promise<Row[]> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'studio-bench-'));
  try {
    await build({ configFile: CONFIG, mode: 'e2e', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const server = await preview({ configFile: CONFIG, mode: 'e2e', logLevel: 'silent', build: { outDir }, preview: { port: 4300, strictPort: false } });
    const chrome = await chromium.launch(CHROMIUM);
    try {
      const page = await chrome.newPage({ viewport: { width: 1280, height: 900 } });
      const { seconds, tasks, backend } = await trainInPage(page, server.resolvedUrls!.local[0]);
      const longest = Math.max(0, ...tasks.map((t) => t.duration));
      return [
        {
          bench: 'mainThread',
          journey: 'cats-dogs sample, 64², batch 8, 2 epochs',
          backend,
          'training s': +seconds.toFixed(1),
          'long tasks': tasks.length,
          'longest task ms': Math.round(longest),
          // Total blocking time: what the long tasks held the thread beyond the budget.
          'blocking ms': Math.round(tasks.reduce((sum, t) => sum + Math.max(0, t.duration - BUDGET_MS), 0)),
          [`longest / ${BUDGET_MS} ms`]: `${(longest / BUDGET_MS).toFixed(2)}×`,
        },
      ];
    } finally {
      await chrome.close();
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table(await run());
  process.exit(0);
}
