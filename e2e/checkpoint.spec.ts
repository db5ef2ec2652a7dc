import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

/** The studio's store, as the e2e build exposes it; only the fields these journeys read. */
interface StoreView {
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  restored: boolean;
  resumable: { epoch: number; epochs: number } | null;
  notices: string[];
  series: Record<string, { pos: number; value: number }[]>;
  epochs: { epoch: number; val: { metrics: Record<string, number> } }[];
}

interface StudioWindow {
  __trainerWorker: { call(fn: (api: { stallAt(epoch: number, batch: number): Promise<void> }) => Promise<void>): Promise<void> };
}

const field = storeField<StoreView>();

failOnRequestsLeavingLocalhost();

/** The cats-dogs sample, mobilenet_v3 at `size`², batch 2 (32 steps an epoch), feature cache off. */
async function prepare(page: Page, { size, epochs }: { size: number; epochs: number }) {
  await page.goto('/');
  await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
  await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
  await page.getByRole('combobox', { name: 'Input size' }).selectOption(String(size));
  await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(size);
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('2');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill(String(epochs));
  await page.getByRole('checkbox', { name: 'Feature cache' }).uncheck();
}

test('reload in the middle of epoch 3 of 4: epochs 1–2 come back, and the run resumes to the end', async ({ page }) => {
  test.setTimeout(300_000);
  await prepare(page, { size: 64, epochs: 4 });

  const before = await test.step('train until the middle of epoch 3, then reload', async () => {
    // The run stops moving at batch 16 of 32 in epoch 3, so the reload lands mid-epoch however fast the machine.
    await page.evaluate(() => (window as unknown as StudioWindow).__trainerWorker.call((api) => api.stallAt(3, 16)));
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(async () => Math.max(0, ...((await field(page, 'series')).trn_loss ?? []).map((p) => p.pos)), { timeout: 180_000 }).toBe(2.5);
    const epochs = await field(page, 'epochs');
    // Epoch 3 still running when the page goes: this is the case under test, not a reload between epochs.
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    await page.reload();
    return epochs;
  });

  await test.step('after the reload: epochs 1–2 done, their records, and a Resume button', async () => {
    await expect.poll(() => field(page, 'restored'), { timeout: 60_000 }).toBe(true);
    expect(await field(page, 'trainState')).toBe('stopped');
    expect(await field(page, 'resumable')).toEqual({ epoch: 2, epochs: 4 });
    const epochs = await field(page, 'epochs');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs.map((e) => e.val.metrics)).toEqual(before.map((e) => e.val.metrics));
    const trn = (await field(page, 'series')).trn_loss;
    // 64 train images in batches of 2: 32 records an epoch, none from the cut epoch 3.
    expect(trn).toHaveLength(64);
    expect(Math.max(...trn.map((p) => p.pos))).toBe(2);
    await expect(page.getByTestId('train-message')).toContainText('epochs 1–2 are saved');
    await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(2);
  });

  await test.step('Resume from epoch 3 trains epochs 3 and 4 and finishes', async () => {
    await expect.poll(async () => (await field(page, 'datasetStatus')) === 'ready' && (await field(page, 'modelStatus')) === 'ready', { timeout: 90_000 }).toBe(true);
    await page.getByTestId('train-continue').click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
    const epochs = await field(page, 'epochs');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    const positions = (await field(page, 'series')).trn_loss.map((p) => p.pos);
    expect(positions).toHaveLength(128);
    positions.forEach((pos, i) => expect(pos).toBeCloseTo((i + 1) / 32, 6));
    expect(await field(page, 'resumable')).toBeNull();
    await expect(page.getByRole('button', { name: 'Download model' })).toBeEnabled();
  });
});

test('storage quota used up: checkpoints fail with a message, the run still finishes', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  // Chromium's own quota for this origin, lowered through the DevTools protocol: IndexedDB then refuses writes.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1 });
  await prepare(page, { size: 32, epochs: 2 });
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
  const notices = await field(page, 'notices');
  expect(notices.some((n) => /^Storage is full: the checkpoint of epoch 1 could not be saved/.test(n)), notices.join('\n')).toBe(true);
  await expect(page.getByTestId('train-notices')).toContainText('Storage is full');
  expect((await field(page, 'epochs')).map((e) => e.epoch)).toEqual([1, 2]);
});
