import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';
import { openStudio, settled } from './studio';

/** The studio's store, as the e2e build exposes it; only the fields these journeys read. */
interface StoreView {
  step: string;
  modelStatus: string;
  modelConfig: { backbone: string; preset: string; inputSize?: number } | null;
  datasetStatus: string;
  datasetName: string | null;
  trainState: string;
  restored: boolean;
  trained: boolean;
  epochs: { epoch: number; best: boolean }[];
  samples: { epoch: number } | null;
  prediction: unknown;
  proposal: { inputSize: number; trainImages: number; hyper: { batchSize: number; learningRate: number } } | null;
}

const field = storeField<StoreView>();

failOnRequestsLeavingLocalhost();

async function openSample(page: Page, title: string) {
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: title }).click();
  await settled(page);
}

/** The sample's own test image of a dog, a real JPEG. */
async function dogImage(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const zip = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const path = Object.keys(zip).find((p) => p.startsWith('test/dogs/') && p.endsWith('.jpg'))!;
  return { name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'image/jpeg', buffer: Buffer.from(zip[path]) };
}

test('steps: the rail reaches Train without scrolling, the hash keeps the step over a reload; the tree opens at the top', async ({ page }) => {
  await openStudio(page);
  const rail = page.getByRole('navigation', { name: 'Steps' });
  await expect(rail.getByRole('button')).toHaveText(['1 Data', '2 Model', '3 Train', '4 Results', '5 Landmarks']);

  await test.step('the tree shows the top-level modules, none deeper', async () => {
    const tree = (await page.evaluate(() => (window as unknown as { __store: { getState(): { modelView: { tree: { children: { path: string; children: { path: string }[] }[] } } } } }).__store.getState().modelView.tree));
    for (const top of tree.children) await expect(page.getByTestId(`module-${top.path}`)).toBeVisible();
    const nested = tree.children.flatMap((c) => c.children.map((g) => g.path));
    expect(nested.length).toBeGreaterThan(0);
    for (const path of nested.slice(0, 5)) await expect(page.getByTestId(`module-${path}`)).toHaveCount(0);
  });

  await test.step('Train: one click brings the Training panel into view, and the URL says #train', async () => {
    await rail.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByRole('region', { name: 'Training' })).toBeInViewport();
    await expect(page).toHaveURL(/#train$/);
    await expect(rail.getByRole('button', { name: 'Train' })).toHaveAttribute('aria-current', 'step');
  });

  await test.step('reload: the Train step is still the current one, in view', async () => {
    await page.reload();
    await expect.poll(() => field(page, 'step')).toBe('train');
    await expect(page.getByRole('region', { name: 'Training' })).toBeInViewport();
    await expect(page.getByRole('region', { name: 'Results' })).toBeAttached();
  });
});

test('the Train panel proposes the plan (batch capped to the dataset, recipe input size); edits stay; reset', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page);
  await openSample(page, 'Cats vs dogs');
  const batch = page.getByRole('spinbutton', { name: 'Batch size' });

  await test.step('what the worker plans is what the fields show, and the model is built at its input size', async () => {
    await expect.poll(() => field(page, 'proposal'), { timeout: 60_000 }).not.toBeNull();
    const proposal = (await field(page, 'proposal'))!;
    // 64 train images: the recipe's batch 4 would leave 16 steps an epoch, so the plan takes 2 (32 steps).
    expect(proposal.trainImages).toBe(64);
    expect(proposal.hyper.batchSize).toBe(2);
    await expect(batch).toHaveValue('2');
    await expect(page.getByTestId('batch-rule')).toContainText('32 steps an epoch (64 train images, batch 2)');
    const size = proposal.inputSize;
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(size);
    await expect(page.getByTestId('model-input-size')).toHaveText(`input ${size}×${size}`);
    await expect(page.getByRole('combobox', { name: 'Input size' })).toHaveValue(String(size));
  });

  await test.step('an edited field stays edited across a backbone switch; Reset to proposed takes it back', async () => {
    await batch.fill('8');
    await page.getByRole('combobox', { name: 'Backbone' }).selectOption('resnet18');
    await settled(page);
    await expect(batch).toHaveValue('8');
    await page.getByRole('button', { name: 'Reset to proposed' }).click();
    await expect(batch).toHaveValue(String((await field(page, 'proposal'))!.hyper.batchSize));
    await expect(page.getByRole('button', { name: 'Reset to proposed' })).toBeDisabled();
  });
});

test('reload keeps the project; a backbone switch can be undone; a new dataset forgets the old run', async ({ page }) => {
  test.setTimeout(300_000);
  await openStudio(page);
  await openSample(page, 'Cats vs dogs');

  await test.step('train cats-dogs at 64², batch 8, 1 epoch', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
  });

  await test.step('the kept epoch is explained: its metric, its value, the weights Predict uses; the gallery is that epoch', async () => {
    await expect(page.getByTestId('kept-epoch')).toHaveText(/^★ kept: epoch 1, best val_accuracy \d\.\d{3} — the weights Predict uses$/);
    await expect(page.getByTestId('gallery-epoch')).toHaveText('kept epoch 1, the weights Predict uses');
  });

  await test.step('reload: the selects are enabled with the project\'s values, its input size, a gallery with images', async () => {
    await page.reload();
    await expect.poll(() => field(page, 'restored'), { timeout: 60_000 }).toBe(true);
    await settled(page);
    const backbone = page.getByRole('combobox', { name: 'Backbone' });
    const preset = page.getByRole('combobox', { name: 'Preset' });
    await expect(backbone).toBeEnabled();
    await expect(backbone).toHaveValue('mobilenet_v3');
    await expect(preset).toBeEnabled();
    await expect(preset).toHaveValue('binary');
    await expect(page.getByRole('combobox', { name: 'Input size' })).toHaveValue('64');
    await expect(page.getByTestId('model-input-size')).toHaveText('input 64×64');
    // Every val image of the gallery is drawn (an <image> with its thumbnail), none left grey.
    const items = page.getByTestId('gallery-item');
    await expect(items.first()).toBeVisible();
    const count = await items.count();
    await expect(page.getByTestId('gallery-item').locator('image')).toHaveCount(count);
  });

  await test.step('a backbone switch puts the trained model aside; Undo brings it back with its report', async () => {
    await page.getByTestId('predict-input').setInputFiles(await dogImage());
    await expect(page.getByTestId('prob-dogs')).toBeVisible();
    await page.getByRole('combobox', { name: 'Backbone' }).selectOption('resnet18');
    await settled(page);
    expect(await field(page, 'epochs')).toEqual([]);
    expect(await field(page, 'prediction')).toBeNull();
    await expect(page.getByRole('button', { name: 'Download model' })).toBeDisabled();
    const undo = page.getByRole('button', { name: 'Undo switch to resnet18' });
    await undo.click();
    await settled(page);
    expect((await field(page, 'modelConfig'))?.backbone).toBe('mobilenet_v3');
    expect(await field(page, 'trained')).toBe(true);
    expect((await field(page, 'epochs')).map((e) => e.epoch)).toEqual([1]);
    await expect(page.getByRole('combobox', { name: 'Backbone' })).toHaveValue('mobilenet_v3');
    await expect(page.getByRole('button', { name: 'Download model' })).toBeEnabled();
    await expect(page.getByTestId('gallery-item').first()).toBeVisible();
  });

  await test.step('another dataset: the old report, prediction and download are gone', async () => {
    await page.getByTestId('predict-input').setInputFiles(await dogImage());
    await expect(page.getByTestId('prob-dogs')).toBeVisible();
    await openSample(page, 'Facial keypoints');
    expect(await field(page, 'epochs')).toEqual([]);
    expect(await field(page, 'prediction')).toBeNull();
    expect(await field(page, 'samples')).toBeNull();
    await expect(page.getByRole('button', { name: 'Download model' })).toBeDisabled();
    await expect(page.getByTestId('gallery-item')).toHaveCount(0);
  });

  await test.step('the trained model\'s backbone stays; the model bar offers the task\'s own, one click away', async () => {
    const backbone = page.getByRole('combobox', { name: 'Backbone' });
    await expect(backbone).toHaveValue('mobilenet_v3');
    const hint = page.getByTestId('task-backbone-hint');
    await expect(hint).toContainText("This task's proposed backbone is face_dense.");
    await hint.getByRole('button', { name: 'Use face_dense' }).click();
    await settled(page);
    await expect(backbone).toHaveValue('face_dense');
    await expect(page.getByTestId('model-input-size')).toHaveText('input 112×112');
    await expect(hint).toHaveCount(0);
  });

  await test.step('reload: the dataset opened last comes back, not the project trained before', async () => {
    await page.reload();
    await settled(page);
    expect(await field(page, 'datasetName')).toBe('facial-keypoints.zip');
    expect(await field(page, 'restored')).toBe(false);
    expect(await field(page, 'epochs')).toEqual([]);
    await expect(page.getByRole('combobox', { name: 'Backbone' })).toBeEnabled();
    // No trained model comes back with it, nothing to lose: the keypoints default is proposed.
    await expect(page.getByRole('combobox', { name: 'Backbone' })).toHaveValue('face_dense', { timeout: 60_000 });
  });
});
