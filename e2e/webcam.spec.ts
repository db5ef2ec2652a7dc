import { expect, test } from '@playwright/test';
import { captureFrames, CHROMIUM_WITH_FAKE_CAMERA, writeFakeCameraVideo } from './fakeCamera';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';
import { trainCount } from './studio';

test.beforeAll(writeFakeCameraVideo);
test.use({ launchOptions: CHROMIUM_WITH_FAKE_CAMERA });

failOnRequestsLeavingLocalhost();

interface StoreView {
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  datasetAdded: string[][];
  trainState: string;
  webcamPredictions: number;
  webcamPrediction: { task: string; probs?: number[] } | null;
}
const field = storeField<StoreView>();

/** The train split's count of `cls` in the histogram. */

interface PlotDiv {
  data?: { x: unknown[] }[];
}

test('webcam: add camera frames to a class, train, live prediction and live landmarks from the fake camera', async ({ page }) => {
  test.setTimeout(300_000);

  await test.step('open the studio and the cats-dogs sample', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
  });

  const capture = page.getByRole('group', { name: 'Add images from the camera' });
  await test.step('add 5 frames to cats from the camera: the train count goes up by 5', async () => {
    const before = await trainCount(page, 'cats');
    const gridBefore = await page.getByTestId('grid-count').textContent();
    await captureFrames(page, capture, 'cats', 5);
    await expect(capture.getByTestId('capture-count')).toHaveText('5 images added from the camera (training split).');
    await expect.poll(() => trainCount(page, 'cats')).toBe(before + 5);
    const paths = (await field(page, 'datasetAdded')).flat();
    expect(paths.every((p) => /^train\/cats\/webcam-[a-z0-9]+-\d+\.jpg$/.test(p))).toBe(true);
    // The grid counts them, and the worker makes their thumbnails as for the zip's own images.
    await expect(page.getByTestId('grid-count')).toHaveText(`${parseInt(gridBefore!) + 5} images`);
    const thumbBytes = await page.evaluate(
      async (path) => {
        const worker = (window as unknown as { __trainerWorker: { now(fn: (api: { thumbnails(p: string[], side: number): Promise<(Blob | null)[]> }) => Promise<(Blob | null)[]>): Promise<(Blob | null)[]> } })
          .__trainerWorker;
        const [blob] = await worker.now((api) => api.thumbnails([path], 64));
        return blob?.size ?? 0;
      },
      paths[0],
    );
    expect(thumbBytes).toBeGreaterThan(500);
  });

  await test.step('a new class from the camera, then Undo takes it back', async () => {
    await capture.getByRole('combobox', { name: 'Capture class' }).selectOption({ label: 'New class…' });
    await capture.getByRole('textbox', { name: 'New class name' }).fill('people');
    await capture.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect.poll(() => trainCount(page, 'people'), { timeout: 30_000 }).toBe(1);
    await capture.getByRole('button', { name: /^Undo last capture/ }).click();
    await expect(page.getByTestId('hist-train-people')).toHaveCount(0, { timeout: 30_000 });
    await expect(capture.getByTestId('capture-count')).toHaveText('5 images added from the camera (training split).');
    await capture.getByRole('button', { name: 'Stop camera' }).click();
  });

  await test.step('train 1 epoch at 64², batch 8', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
  });

  await test.step('live prediction from the camera: cats and dogs probabilities, updated frame after frame', async () => {
    const live = page.getByRole('group', { name: 'Predict from the camera' });
    await live.getByRole('button', { name: 'Start camera' }).click();
    await expect(live.getByTestId('live-prediction')).toBeVisible({ timeout: 60_000 });
    await expect(live.getByTestId('prob-cats')).toContainText(/\d+\.\d%/);
    await expect(live.getByTestId('prob-dogs')).toContainText(/\d+\.\d%/);
    const probs = (await field(page, 'webcamPrediction'))!.probs!;
    expect(probs[0] + probs[1]).toBeCloseTo(1, 5);
    const first = await field(page, 'webcamPredictions');
    await expect.poll(() => field(page, 'webcamPredictions'), { timeout: 30_000 }).toBeGreaterThan(first + 2);
    await live.getByRole('button', { name: 'Stop camera' }).click();
    await expect(live.getByTestId('live-prediction')).toHaveCount(0);
  });

  await test.step('landmarks from the camera: the face is found and its 468 points plotted', async () => {
    const section = page.getByRole('region', { name: 'Landmarks' });
    await page.getByRole('group', { name: 'Landmarks from the camera' }).getByRole('button', { name: 'Start camera' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 90_000 });
    await expect
      .poll(() => page.getByTestId('landmarks-plot').evaluate((el) => (el as unknown as PlotDiv).data?.[0]?.x.length ?? 0), { timeout: 60_000 })
      .toBe(468);
    await expect(section.getByTestId('landmarks-overlay').locator('circle')).toHaveCount(468);
  });

  await test.step('a new backend restarts the trainer worker: it reads the dataset again with the 5 captures', async () => {
    const added = (await field(page, 'datasetAdded')).flat();
    await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
    await expect(page.getByTestId('backend-badge')).toContainText('cpu forced', { timeout: 60_000 });
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    const paths = await page.evaluate(
      async () =>
        (
          await (
            window as unknown as {
              __trainerWorker: { now(fn: (api: { items(split: string, offset: number, count: number): Promise<{ path: string }[]> }) => Promise<{ path: string }[]>): Promise<{ path: string }[]> };
            }
          ).__trainerWorker.now((api) => api.items('train', 0, 10_000))
        ).map((i) => i.path),
    );
    expect(paths.filter((p) => p.includes('/webcam-')).sort()).toEqual([...added].sort());
  });
});
