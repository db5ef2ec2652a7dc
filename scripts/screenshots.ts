/**
 * One-off: regenerate the README screenshots (docs/screenshot-train.png, docs/screenshot-landmarks.png).
 *
 *   npx tsx scripts/screenshots.ts
 *
 * Builds the e2e bundle (which exposes the store on `window.__store`) into dist-shots/, serves it with
 * `vite preview` on :4180, drives Debian's Chromium through playwright-core the way e2e/train.spec.ts and
 * e2e/landmarks.spec.ts do, and removes dist-shots/ again at the end. Not a test: it asserts nothing beyond
 * waiting for each state it photographs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM } from '../e2e/chromium';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist-shots';
const PORT = 4180;
const BASE = `http://localhost:${PORT}`;

const log = (msg: string) => console.log(`[screenshots] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until `ok(value)` or the timeout. */
async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeout = 60_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      // the page may be navigating or the store not there yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(500);
  }
}

/** One field of the store (the e2e build exposes it on `window.__store`). */
const field = (page: Page, key: string) =>
  page.evaluate((k) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k], key);

/** The sample's own test image of a dog (the dataset labels it, so the truth is shown). */
async function sampleImage(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const zip = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const path = Object.keys(zip).find((p) => p.startsWith('test/dogs/') && p.endsWith('.jpg'))!;
  return { name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'image/jpeg', buffer: Buffer.from(zip[path]) };
}

/** The page-space box around all the given locators, padded a little. */
async function unionBox(locators: Locator[], pad = 8) {
  const boxes = [];
  for (const l of locators) {
    await l.scrollIntoViewIfNeeded();
    const b = await l.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height };
    });
    boxes.push(b);
  }
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const right = Math.max(...boxes.map((b) => b.x + b.w)) + pad;
  const bottom = Math.max(...boxes.map((b) => b.y + b.h)) + pad;
  return { x, y, width: Math.min(right, 1280) - x, height: bottom - y };
}

async function shotTrain(browser: Browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  log('train: opening the studio');
  await page.goto(BASE);
  // The step rail sticks to the top of the viewport: in a full-page clip it would land mid-picture.
  await page.addStyleTag({ content: '.step-rail { position: static !important; }' });
  await until('model ready', () => field(page, 'modelStatus'), (v) => v === 'ready', 120_000);
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
  await until('dataset ready', () => field(page, 'datasetStatus'), (v) => v === 'ready', 90_000);

  log('train: input 64², batch 8, 3 epochs');
  await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
  await until(
    'model at 64²',
    async () => ((await field(page, 'modelStatus')) === 'ready' ? ((await field(page, 'modelConfig')) as { inputSize?: number } | null)?.inputSize : null),
    (v) => v === 64,
    90_000,
  );
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('3');

  log('train: training');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Start training' }).click();
  const final = await until('training to end', () => field(page, 'trainState'), (v) => v === 'done' || v === 'failed', 400_000);
  if (final !== 'done') throw new Error(`training ended ${final}: ${String(await field(page, 'trainMessage'))}`);
  log(`train: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  log('train: predicting a dog');
  await page.getByTestId('predict-input').setInputFiles(await sampleImage());
  await page.getByTestId('prob-dogs').filter({ hasText: /\d+\.\d%/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('predicted-label').waitFor({ timeout: 30_000 });
  // Let recharts finish its line animations.
  await sleep(1500);

  const clip = await unionBox([
    page.getByRole('region', { name: 'Training' }),
    page.getByRole('region', { name: 'Charts' }),
    page.getByRole('region', { name: 'Predict' }),
  ]);
  log(`train: clip ${JSON.stringify(clip)}`);
  await page.screenshot({ path: 'docs/screenshot-train.png', fullPage: true, clip });
  await page.close();
}

async function shotLandmarks(browser: Browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const section = page.getByRole('region', { name: 'Landmarks' });
  log('landmarks: opening a sample face');
  await page.goto(BASE);
  // The step rail sticks to the top of the viewport: in a full-page clip it would land mid-picture.
  await page.addStyleTag({ content: '.step-rail { position: static !important; }' });
  await section.getByRole('button', { name: 'Face 1' }).click();
  await section.getByTestId('landmarks-status').filter({ hasText: /^found 1 face$/ }).waitFor({ timeout: 120_000 });
  const mode = section.getByRole('combobox', { name: 'Landmark mode' });
  if ((await mode.inputValue()) !== '3d') {
    await mode.selectOption('3d');
    await section.getByTestId('landmarks-status').filter({ hasText: /^found 1 face$/ }).waitFor({ timeout: 90_000 });
  }

  log('landmarks: waiting for the Plotly mesh');
  const plot = page.getByTestId('landmarks-plot');
  await until(
    '468 plotted points',
    () => plot.evaluate((el) => (el as unknown as { data?: { x: unknown[] }[] }).data?.[0]?.x.length ?? 0),
    (n) => n === 468,
    90_000,
  );
  // The gl3d scene draws into a WebGL canvas (not readable back from the page): wait until a screenshot of the
  // plot is far from uniform, i.e. the axes and the mesh points are drawn.
  await until(
    'the gl scene to draw',
    async () => {
      const stats = await sharp(await plot.screenshot()).stats();
      return stats.channels.slice(0, 3).reduce((a, c) => a + c.stdev, 0) / 3;
    },
    (stdev) => stdev > 10,
    60_000,
  );
  await sleep(1500);
  const clip = await unionBox([section], 12);
  log(`landmarks: clip ${JSON.stringify(clip)}`);
  await page.screenshot({ path: 'docs/screenshot-landmarks.png', fullPage: true, clip });
  await page.close();
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
}

async function main() {
  process.chdir(ROOT);
  await mkdir('docs', { recursive: true });
  log('building');
  run('npx', ['vite', 'build', '--mode', 'e2e', '--outDir', OUT_DIR, '--logLevel', 'warn']);

  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    // Its own process group, so the whole npx → vite tree is stopped at the end.
    server = spawn('npx', ['vite', 'preview', '--outDir', OUT_DIR, '--port', String(PORT), '--strictPort'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    await until('the preview server', async () => (await fetch(BASE)).ok, (ok) => ok, 60_000);
    log(`serving ${BASE}`);

    browser = await chromium.launch(CHROMIUM);
    await shotLandmarks(browser);
    await shotTrain(browser);
    for (const f of ['docs/screenshot-train.png', 'docs/screenshot-landmarks.png']) log(`${f}: ${((await stat(f)).size / 1024).toFixed(0)} KB`);
  } finally {
    await browser?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await rm(OUT_DIR, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
