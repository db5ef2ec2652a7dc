import { expect, test } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

failOnRequestsLeavingLocalhost();

/** The store fields this journey reads. */
interface StoreView {
  backendChoice: { backend: string } | null;
  modelStatus: string;
  modelConfig: { backbone: string; inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  series: Record<string, { pos: number; value: number }[]>;
  epochs: { epoch: number; val: { metrics: Record<string, number> } }[];
}

const field = storeField<StoreView>();

test('?backend=webgpu: mobilenet_v3 at 32² trains one epoch on SwiftShader WebGPU and charts it', async ({ page }) => {
  test.setTimeout(180_000);

  await test.step('open the studio on forced WebGPU and the cats-dogs sample', async () => {
    await page.goto('/?backend=webgpu');
    await expect(page.getByTestId('backend-badge')).toContainText('webgpu', { timeout: 60_000 });
    expect((await field(page, 'backendChoice'))!.backend).toBe('webgpu');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    expect((await field(page, 'modelConfig'))!.backbone).toBe('mobilenet_v3');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
  });

  await test.step('input 32², batch 16, 1 epoch', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), {
      timeout: 60_000,
    }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  });

  await test.step('train: done, with trn_loss and val_loss points in the store and the chart', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 150_000 }).toMatch(/^(done|failed)$/);
    expect(await field(page, 'trainMessage')).toBeNull();
    expect(await field(page, 'trainState')).toBe('done');
    const series = await field(page, 'series');
    // 64 train images in batches of 16: 4 records; 16 val images: one val batch.
    expect(series.trn_loss).toHaveLength(4);
    expect(series.val_loss).toHaveLength(1);
    expect([...series.trn_loss, ...series.val_loss].every((p) => Number.isFinite(p.value))).toBe(true);
    const [epoch] = await field(page, 'epochs');
    expect(epoch.val.metrics.accuracy).toBeGreaterThanOrEqual(0);
    await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-lines', /^trn_loss:4,trn_loss \(epoch\):1,val_loss \(epoch\):1$/);
    expect(await page.getByTestId('chart-loss').locator('path.recharts-line-curve').count()).toBeGreaterThanOrEqual(2);
  });
});
