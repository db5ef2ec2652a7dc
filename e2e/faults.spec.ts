import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { failOnRequestsLeavingLocalhost } from './offline';

/** The studio's store and trainer-worker client, as the e2e build exposes them; only what this journey reads. */
interface StudioWindow {
  __store: { getState(): Record<string, unknown> };
  __trainerWorker: { call(fn: (api: { injectFault(point: string): Promise<void> }) => Promise<void>): Promise<void> };
}

/** One field of the store. */
const field = (page: Page, key: string) =>
  page.evaluate((k) => (window as unknown as StudioWindow).__store.getState()[k], key);

/** Makes the worker's next `point` call throw inside the worker (an e2e-build-only hook, no mocking). */
const injectFault = (page: Page, point: 'train' | 'predict') =>
  page.evaluate((p) => (window as unknown as StudioWindow).__trainerWorker.call((api) => api.injectFault(p)), point);

/** The sample's own test image of a dog. */
async function sampleImage(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const zip = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const path = Object.keys(zip).find((p) => p.startsWith('test/dogs/') && p.endsWith('.jpg'))!;
  return { name: path.slice(path.lastIndexOf('/') + 1), mimeType: 'image/jpeg', buffer: Buffer.from(zip[path]) };
}

test.use({ trace: 'off' });

failOnRequestsLeavingLocalhost();

/** Opens the cats-dogs sample at 64², batch 8, with `epochs` and `learningRate`. */
async function openSample(page: Page, { epochs, learningRate }: { epochs: number; learningRate?: number }) {
  await test.step('open the studio and the cats-dogs sample at 64², batch 8', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect
      .poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? ((await field(page, 'modelConfig')) as { inputSize?: number }).inputSize : null), {
        timeout: 60_000,
      })
      .toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill(String(epochs));
    if (learningRate !== undefined) await page.getByRole('spinbutton', { name: 'Learning rate' }).fill(String(learningRate));
  });
}

test('learning rate 1e3: the run stops with the divergence message within one epoch', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, { epochs: 2, learningRate: 1000 });

  await test.step('train: it fails with the divergence message before epoch 1 ends', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('failed');
    const message = page.getByTestId('train-message');
    await expect(message).toHaveText(/^Training diverged at epoch \d+\.\d\d: .+\. Try a lower learning rate \(now 1000\)\.$/);
    const text = (await message.textContent())!;
    console.log(`the Train panel says: ${text}`);
    const at = Number(/epoch (\d+\.\d\d)/.exec(text)![1]);
    expect(at).toBeLessThanOrEqual(1);
    expect(await field(page, 'epochs')).toEqual([]);
    // An expected end, said in words: no stack to unfold.
    await expect(page.getByTestId('train-error-details')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Train again' })).toBeEnabled();
  });
});

test('a fault inside the worker shows with its stack; the app stays usable and a new run trains', async ({ page }) => {
  test.setTimeout(300_000);
  await openSample(page, { epochs: 1 });

  await test.step('a train that throws inside the worker: failed, its message and its stack in a details box', async () => {
    await injectFault(page, 'train');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 120_000 }).toBe('failed');
    await expect(page.getByTestId('train-message')).toHaveText('injected train fault (e2e)');
    const details = page.getByTestId('train-error-details');
    await details.getByText('Details').click();
    // The worker's own stack, carried across by comlink: its frames are in the worker's bundle.
    await expect(details.locator('pre')).toContainText('injected train fault (e2e)');
    await expect(details.locator('pre')).toContainText(/trainer\.worker[^\s]*\.js/);
  });

  await test.step('Train again: the same worker trains to done', async () => {
    await page.getByRole('button', { name: 'Train again' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
    await expect(page.getByTestId('train-error-details')).toHaveCount(0);
    expect(await field(page, 'trainMessage')).toBeNull();
  });

  await test.step('bytes that are not an image: a clean error, with its stack', async () => {
    await page.getByTestId('predict-input').setInputFiles({ name: 'not-an-image.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not an image') });
    await expect(page.getByRole('alert')).toBeVisible();
    console.log(`Predict says: ${await page.getByRole('alert').locator('p').textContent()}`);
    await expect(page.getByTestId('predict-error-details').locator('pre')).toContainText(/trainer\.worker[^\s]*\.js/);
  });

  await test.step('a predict that throws: its message and stack; the next predict works', async () => {
    await injectFault(page, 'predict');
    await page.getByTestId('predict-input').setInputFiles(await sampleImage());
    const details = page.getByTestId('predict-error-details');
    await expect(page.getByRole('alert')).toContainText('injected predict fault (e2e)');
    await details.getByText('Details').click();
    await expect(details.locator('pre')).toContainText(/trainer\.worker[^\s]*\.js/);
    await page.getByTestId('predict-input').setInputFiles(await sampleImage());
    await expect(page.getByTestId('prob-dogs')).toContainText(/\d+\.\d%/);
    await expect(details).toHaveCount(0);
  });
});
