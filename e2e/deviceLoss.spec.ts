import { expect, test } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

failOnRequestsLeavingLocalhost();

/** The store fields this journey reads. */
interface StoreView {
  backendChoice: { backend: string } | null;
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  notices: string[];
  series: Record<string, { pos: number; value: number }[]>;
  epochs: { epoch: number }[];
}

/** The e2e build's handle on the trainer worker (`now`: beside the running `train` call). */
interface TrainerHandle {
  stallAt(epoch: number, batch: number): Promise<void>;
  stalled(): Promise<boolean>;
  release(): Promise<void>;
  injectFault(point: 'device-lost'): Promise<void>;
}
type StudioWindow = { __trainerWorker: { call<T>(fn: (api: TrainerHandle) => Promise<T>): Promise<T>; now<T>(fn: (api: TrainerHandle) => Promise<T>): Promise<T> } };

const field = storeField<StoreView>();

test('?backend=webgpu: the GPUDevice destroyed in epoch 2 of 3 → the backend restarts and training finishes without a gap', async ({ page }) => {
  test.setTimeout(300_000);

  await test.step('forced WebGPU, cats-dogs sample, mobilenet_v3 at 32², batch 16, 3 epochs', async () => {
    await page.goto('/?backend=webgpu');
    await expect(page.getByTestId('backend-badge')).toContainText('webgpu', { timeout: 60_000 });
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('3');
  });

  await test.step('train; in the middle of epoch 2, destroy() the backend\'s GPUDevice', async () => {
    // Held at batch 2 of 4 in epoch 2, so the loss lands mid-epoch however fast the epochs run.
    await page.evaluate(() => (window as unknown as StudioWindow).__trainerWorker.call((api) => api.stallAt(2, 2)));
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as StudioWindow).__trainerWorker.now((api) => api.stalled())), { timeout: 180_000 }).toBe(true);
    await page.evaluate(async () => {
      const worker = (window as unknown as StudioWindow).__trainerWorker;
      await worker.now((api) => api.injectFault('device-lost'));
      await worker.now((api) => api.release());
    });
  });

  await test.step('the run pauses, restarts WebGPU on a new device, resumes after epoch 1 and finishes', async () => {
    await expect.poll(() => field(page, 'trainState'), { timeout: 240_000 }).toMatch(/^(done|failed)$/);
    expect(await field(page, 'trainMessage')).toBeNull();
    expect(await field(page, 'trainState')).toBe('done');
    const notices = await field(page, 'notices');
    expect(notices.some((n) => /^The GPU device was lost \(.+\)\. Restarted on webgpu, going on after epoch 1\.$/.test(n)), notices.join('\n')).toBe(true);
    await expect(page.getByTestId('train-notices')).toContainText('The GPU device was lost');
    expect((await field(page, 'epochs')).map((e) => e.epoch)).toEqual([1, 2, 3]);
    // The Report: 4 records an epoch, positions 0.25 … 3 with no gap larger than one batch (let alone an epoch).
    const positions = (await field(page, 'series')).trn_loss.map((p) => p.pos);
    expect(positions).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) / 4));
    expect((await field(page, 'series')).trn_loss.every((p) => Number.isFinite(p.value))).toBe(true);
  });
});
