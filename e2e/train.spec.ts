import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';

/** Loads model folders with nothing but @tensorflow/tfjs in a fresh Node process (no studio code). */
const PRISTINE_LOADER = path.resolve('src/engine/__tests__/loadInPristineTfjs.mjs');

/** The studio's store, as the e2e build exposes it; only the fields this journey reads. */
interface StoreView {
  backendChoice: { backend: string } | null;
  modelStatus: string;
  modelConfig: { backbone: string; preset: string; inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  restored: boolean;
  series: Record<string, { pos: number; value: number }[]>;
  epochs: { epoch: number; averages: Record<string, number> }[];
  prediction: { result: { task: string; probs?: number[] } } | null;
}

const state = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { __store: { getState(): StoreView } }).__store.getState();
    const { backendChoice, modelStatus, modelConfig, datasetStatus, trainState, trainMessage, restored, series, epochs, prediction } = s;
    return { backendChoice, modelStatus, modelConfig, datasetStatus, trainState, trainMessage, restored, series, epochs, prediction };
  });

/** The sample's own test image of a dog: a real JPEG, and the dataset labels it (so the truth is shown). */
async function sampleImage(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const zip = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const path = Object.keys(zip).find((p) => p.startsWith('test/dogs/') && p.endsWith('.jpg'))!;
  return { name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'image/jpeg', buffer: Buffer.from(zip[path]) };
}

const field = storeField<StoreView>();

failOnRequestsLeavingLocalhost();

/**
 * Whether tfjs was loaded in the page and in the trainer worker: tfjs-core keeps its engine on the global object
 * (`_tfengine`) from the moment it is imported, so a page without it never ran a tfjs op on its thread.
 */
async function tfjsLoaded(page: Page): Promise<{ page: boolean; trainer: boolean }> {
  const hasEngine = () => '_tfengine' in globalThis;
  // Found by its script (`trainer.worker-<hash>.js`): the wasm backend's pthread workers block and never answer.
  const trainer = page.workers().find((w) => w.url().includes('trainer.worker'));
  return { page: await page.evaluate(hasEngine), trainer: (await trainer?.evaluate(hasEngine)) ?? false };
}

/** Vertices of each line the chart drew (`path.recharts-line-curve`), fewest first. */
async function drawnLines(page: Page, metric: string): Promise<number[]> {
  const counts = await page.getByTestId(`chart-${metric}`).locator('path.recharts-line-curve').evaluateAll((paths) =>
    paths.map((p) => (p.getAttribute('d') ?? '').split(/[ML]/).filter((s) => s.trim()).length),
  );
  return counts.sort((a, b) => a - b);
}

test('cats-dogs sample: train 2 epochs at 64², live charts, predict a dropped image, download, reload', async ({ page }) => {
  test.setTimeout(240_000);

  await test.step('open the studio and the cats-dogs sample', async () => {
    await page.goto('/');
    await expect.poll(async () => (await state(page)).modelStatus, { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(async () => (await state(page)).datasetStatus, { timeout: 60_000 }).toBe('ready');
    await expect(page.getByTestId('train-task')).toContainText('classification (binary)');
  });

  await test.step('input 64², batch 8, 2 epochs', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => {
      const s = await state(page);
      return s.modelStatus === 'ready' ? s.modelConfig?.inputSize : null;
    }, { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('2');
  });

  await test.step('train: the state goes running → done, records stream into the store and the chart', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByTestId('train-state')).toHaveText('running');
    // Live: the chart shows trn_loss points before the run is over.
    await expect.poll(async () => (await field(page, 'series')).trn_loss?.length ?? 0, { timeout: 120_000 }).toBeGreaterThan(0);
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
    const s = await state(page);
    // 64 train images (the seeded 80 % of 80) in batches of 8: 8 per epoch; 16 val images: 2 per epoch.
    expect(s.series.trn_loss).toHaveLength(16);
    expect(s.series.val_loss).toHaveLength(4);
    expect(s.series.trn_loss.every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true);
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.trainMessage).toBeNull();
  });

  await test.step('the rendered chart has trn_loss and val_loss lines, per batch and per epoch', async () => {
    const chart = page.getByTestId('chart-loss');
    await expect(chart).toHaveAttribute('data-lines', 'trn_loss:16,trn_loss (epoch):2,val_loss:4,val_loss (epoch):2');
    await expect(chart.getByTestId('legend-item')).toHaveText([/^trn_loss \d/, /^trn_loss \(epoch\) \d/, /^val_loss \d/, /^val_loss \(epoch\) \d/]);
    expect(await drawnLines(page, 'loss')).toEqual([2, 2, 4, 16]);
    await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(2);
    await expect(page.getByTestId('confusion-matrix')).toBeVisible();
    await expect(page.getByTestId('gallery-best').getByTestId('gallery-item').first()).toBeVisible();
  });

  // How long the page's longest task is depends on the machine's load: `npm run bench -- mainThread` measures it.
  await test.step('training ran in the trainer worker: tfjs was never loaded on the page', async () => {
    expect(await tfjsLoaded(page)).toEqual({ page: false, trainer: true });
  });

  let probs: number[] = [];
  await test.step('predict a dropped image: both class probabilities, the dataset label shown', async () => {
    const image = await sampleImage();
    await page.getByTestId('predict-input').setInputFiles(image);
    await expect(page.getByTestId('prob-dogs')).toContainText(/\d+\.\d%/);
    await expect(page.getByTestId('prob-cats')).toContainText(/\d+\.\d%/);
    await expect(page.getByTestId('predicted-label')).toContainText('labelled dogs');
    probs = (await state(page)).prediction!.result.probs!;
    expect(probs[0] + probs[1]).toBeCloseTo(1, 5);
  });

  await test.step('Download model: a zip of model.json, weights.bin and studio.json that plain tfjs loads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download model' }).click()]);
    const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    expect(Object.keys(zip).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
    const meta = JSON.parse(strFromU8(zip['studio.json']));
    expect(meta).toMatchObject({ task: 'classification', inputSize: 64, ctx: { classes: ['cats', 'dogs'] } });
    expect(JSON.parse(strFromU8(zip['model.json'])).weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(zip['weights.bin'].byteLength).toBeGreaterThan(100_000);

    // Any tfjs user can load it: a fresh Node process with plain @tensorflow/tfjs predicts a probability.
    const dir = await mkdtemp(path.join(tmpdir(), 'downloaded-model-'));
    try {
      await Promise.all(Object.entries(zip).map(([name, bytes]) => writeFile(path.join(dir, name), bytes)));
      const job = { dir, input: path.join(dir, 'input.f32'), shape: [1, 64, 64, 3], out: path.join(dir, 'outputs.json') };
      await writeFile(job.input, new Uint8Array(new Float32Array(64 * 64 * 3).fill(128).buffer));
      await writeFile(path.join(dir, 'jobs.json'), JSON.stringify([job]));
      await promisify(execFile)(process.execPath, [PRISTINE_LOADER, path.join(dir, 'jobs.json')]);
      const { outputs, metadata } = JSON.parse(await readFile(job.out, 'utf8'));
      expect(outputs).toHaveLength(1);
      expect(outputs[0]).toHaveLength(1);
      expect(outputs[0][0]).toBeGreaterThanOrEqual(0);
      expect(outputs[0][0]).toBeLessThanOrEqual(1);
      expect(metadata.studio).toMatchObject({ task: 'classification', ctx: { classes: ['cats', 'dogs'] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  await test.step('reload: the trained project, its charts and its weights come back', async () => {
    const before = await state(page);
    await page.reload();
    await expect.poll(async () => {
      const s = await state(page);
      return [s.restored, s.trainState, s.modelStatus, s.datasetStatus];
    }, { timeout: 90_000 }).toEqual([true, 'done', 'ready', 'ready']);
    const after = await state(page);
    expect(after.series).toEqual(before.series);
    expect(after.epochs).toEqual(before.epochs);
    expect(after.modelConfig).toEqual(before.modelConfig);
    await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-lines', 'trn_loss:16,trn_loss (epoch):2,val_loss:4,val_loss (epoch):2');
    expect(await drawnLines(page, 'loss')).toEqual([2, 2, 4, 16]);
    // The same image gives the same probabilities: the trained weights were restored, not the pretrained ones.
    await page.getByTestId('predict-input').setInputFiles(await sampleImage());
    await expect(page.getByTestId('prob-dogs')).toBeVisible();
    const again = (await state(page)).prediction!.result.probs!;
    expect(again[1]).toBeCloseTo(probs[1], 4);
  });
});
