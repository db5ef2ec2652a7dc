import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

/** The studio's store, as the e2e build exposes it; only the fields this journey reads. */
interface StoreView {
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  hyperOverrides: { learningRate?: number; fineTune?: { freezeEpochs: number; unfreezeFrom?: string } };
  lrFinder: {
    status: string;
    progress: { phase: string; done: number; total: number } | null;
    points: { lr: number; loss: number }[];
    result: { suggestion: number; ended: string } | null;
    message: string | null;
  };
  series: Record<string, { pos: number; value: number }[]>;
  epochs: { epoch: number; averages: Record<string, number> }[];
}

const field = storeField<StoreView>();

/** tfjs' tensor count in the trainer worker (its `memory()`). */
const workerTensors = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __trainerWorker: { now(fn: (api: { memory(): Promise<{ numTensors: number }> }) => Promise<{ numTensors: number }>): Promise<{ numTensors: number }> } }).__trainerWorker
      .now((api) => api.memory())
      .then((m) => m.numTensors),
  );

failOnRequestsLeavingLocalhost();

test('cats-dogs sample: the LR finder, its suggestion taken, fine_tune 1 + 1 epochs at 64², the unfreeze boundary in the charts', async ({ page }) => {
  test.setTimeout(300_000);
  const finder = page.getByRole('region', { name: 'Learning-rate finder' });

  await test.step('open the studio and the cats-dogs sample at 64², 2 epochs', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('2');
  });

  const tensorsBefore = await workerTensors(page);

  await test.step('a sweep can be cancelled: it ends where it was, with the points so far', async () => {
    // Cancelled at its first progress event, as the Cancel button does (a click from here could come after
    // the sweep's end on a fast machine).
    await page.evaluate(() => {
      type Store = { getState(): { lrFinder: { progress: unknown }; cancelLrFind(): Promise<void> }; subscribe(f: (s: { lrFinder: { progress: unknown } }) => void): () => void };
      const store = (window as unknown as { __store: Store }).__store;
      const stop = store.subscribe((s) => {
        if (!s.lrFinder.progress) return;
        stop();
        void store.getState().cancelLrFind();
      });
    });
    await finder.getByRole('button', { name: 'Find learning rate' }).click();
    await expect.poll(async () => (await field(page, 'lrFinder')).status, { timeout: 30_000 }).toBe('done');
    const { result, points } = await field(page, 'lrFinder');
    expect(result?.ended).toBe('cancelled');
    expect(points.length).toBeLessThan(100);
    await expect(finder.getByTestId('lr-finder-message')).toHaveText(`Cancelled after ${points.length} step${points.length === 1 ? '' : 's'}.`);
    if (!Number.isFinite(result!.suggestion)) await expect(finder.getByTestId('lr-use')).toHaveCount(0);
  });

  await test.step('the finder sweeps with progress n/100, plots loss against lr and marks its suggestion', async () => {
    await finder.getByRole('button', { name: 'Find learning rate' }).click();
    await expect(finder.getByTestId('lr-finder-progress')).toContainText(/\/ 100/);
    await expect.poll(async () => (await field(page, 'lrFinder')).status, { timeout: 120_000 }).toBe('done');
    const { result, points, message } = await field(page, 'lrFinder');
    expect(message).toBeNull();
    expect(['done', 'diverged']).toContain(result?.ended);
    expect(points.length).toBeGreaterThan(20);
    expect(points[0].lr).toBeCloseTo(1e-7, 12);
    expect(result!.suggestion).toBeGreaterThan(1e-7);
    const chart = finder.getByTestId('lr-finder-chart');
    await expect(chart).toHaveAttribute('data-points', String(points.length));
    await expect(chart.locator('path.recharts-line-curve')).toHaveCount(1);
    await expect(chart.getByText(/^suggested \d(\.\d)?e-?\d+$/)).toBeVisible();
    // The sweep gave every weight back and left no tensor behind.
    expect(await workerTensors(page)).toBe(tensorsBefore);
  });

  await test.step('"Use …" sets the learning rate field to the suggestion; Undo (and Ctrl+Z) puts the proposed rate back', async () => {
    const lr = page.getByRole('spinbutton', { name: 'Learning rate' });
    const proposed = await lr.inputValue();
    const use = finder.getByTestId('lr-use');
    const offered = Number((await use.textContent())!.replace('Use ', ''));
    await use.click();
    await expect(lr).toHaveValue(String(offered));
    expect((await field(page, 'hyperOverrides')).learningRate).toBe(offered);
    await finder.getByTestId('lr-undo').click();
    await expect(lr).toHaveValue(proposed);
    await use.click();
    await expect(lr).toHaveValue(String(offered));
    await page.keyboard.press('Control+z');
    await expect(lr).toHaveValue(proposed);
    await expect(finder.getByTestId('lr-undo')).toHaveCount(0);
    await use.click();
    await expect(lr).toHaveValue(String(offered));
  });

  await test.step('fine_tune: 1 freeze epoch (head only), then the trunk from expanded_conv_12, one-cycle', async () => {
    const options = page.getByRole('group', { name: 'Fine-tuning' });
    // The classification recipe fine-tunes: the box shows the proposal before any click.
    await expect(options.getByRole('checkbox', { name: 'Fine-tune' })).toBeChecked();
    await expect(options.getByRole('spinbutton', { name: 'Freeze epochs' })).toHaveValue('2');
    await expect(options.getByRole('combobox', { name: 'Unfreeze from' })).toHaveValue('expanded_conv_12');
    await options.getByRole('checkbox', { name: 'Fine-tune' }).check();
    await options.getByRole('spinbutton', { name: 'Freeze epochs' }).fill('1');
    await options.getByRole('combobox', { name: 'Unfreeze from' }).selectOption('expanded_conv_12');
    await options.getByRole('combobox', { name: 'Schedule' }).selectOption('one-cycle');
    expect((await field(page, 'hyperOverrides')).fineTune).toMatchObject({ freezeEpochs: 1, unfreezeFrom: 'expanded_conv_12' });
  });

  await test.step('train: phase 2 starts at epoch 1, the charts draw an "unfreeze" line and the learning rate', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 240_000 }).toBe('done');
    expect(await field(page, 'trainMessage')).toBeNull();
    const series = await field(page, 'series');
    expect(series.phase).toEqual([{ pos: 1, value: 2 }]);
    // One rate per batch (64 train images at batch 8), one-cycle from lr/25 up to lr within each phase.
    expect(series.lr).toHaveLength(16);
    const lr = (await field(page, 'hyperOverrides')).learningRate!;
    expect(series.lr[0].value).toBeCloseTo(lr / 25, 10);
    expect(Math.max(...series.lr.map((p) => p.value))).toBeLessThanOrEqual(lr * (1 + 1e-9));
    await expect(page.getByTestId('train-notices')).toContainText('fine_tune: phase 2 from epoch 2');
    for (const chart of [page.getByTestId('chart-loss'), page.getByTestId('chart-lr')]) {
      await expect(chart).toHaveAttribute('data-boundaries', '1');
      await expect(chart.getByText('unfreeze')).toBeVisible();
    }
    await expect(page.getByTestId('chart-lr')).toHaveAttribute('data-lines', 'lr:16,lr (epoch):2');
    // The epoch table writes rates with significant digits, not 0.000; the phase marker is no column.
    const table = page.getByTestId('epoch-table');
    expect(await table.locator('th').allTextContents()).not.toContain('phase');
    await expect(table.locator('tbody tr').first()).toContainText(/\de-\d/);
  });

  await test.step('show batch: the first train batch augmented, as thumbnails with their labels; then the next', async () => {
    await page.getByRole('group', { name: 'Fine-tuning' }).getByRole('checkbox', { name: 'Augment' }).check();
    const view = page.getByRole('region', { name: 'Show batch' });
    await view.getByRole('button', { name: 'Show batch' }).click();
    await expect(view.getByTestId('show-batch-caption')).toHaveText('batch 1 of epoch 1, augmented');
    const images = view.getByTestId('batch-image');
    await expect(images).toHaveCount(8);
    for (const text of await images.allTextContents()) expect(text).toMatch(/^(cats|dogs)( · flipped)?$/);
    // The thumbnails are drawn: a canvas holds opaque pixels that are not all one colour.
    const drawn = await images.first().locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      return { opaque: data[3] === 255, colours: new Set(Array.from(data.filter((_, i) => i % 4 === 0))).size };
    });
    expect(drawn.opaque).toBe(true);
    expect(drawn.colours).toBeGreaterThan(10);
    await view.getByRole('button', { name: 'Next batch' }).click();
    await expect(view.getByTestId('show-batch-caption')).toHaveText('batch 2 of epoch 1, augmented');
  });

  await test.step('the finder, fine_tune and show batch ran in the trainer worker: tfjs never loaded on the page', async () => {
    // tfjs-core keeps its engine on the global object (`_tfengine`) from the moment it is imported.
    expect(await page.evaluate(() => '_tfengine' in globalThis)).toBe(false);
  });
});
