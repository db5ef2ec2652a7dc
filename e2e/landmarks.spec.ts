import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';

failOnRequestsLeavingLocalhost();

interface PlotDiv {
  data?: { x: unknown[] }[];
  layout?: { scene?: { camera?: unknown } };
}

/** The points trace's length, read from Plotly's graph div (`data[0]` is always the face's points). */
const plottedPoints = (page: Page) =>
  page.getByTestId('landmarks-plot').evaluate((el) => (el as unknown as PlotDiv).data?.[0]?.x.length ?? 0);

const camera = (page: Page) =>
  page.getByTestId('landmarks-plot').evaluate((el) => JSON.stringify((el as unknown as PlotDiv).layout?.scene?.camera ?? null));

test('landmarks: a sample face as a 468-point mesh and 68 points, rotatable, all offline', async ({ page }) => {
  const section = page.getByRole('region', { name: 'Landmarks' });

  await test.step('open the studio and a sample face', async () => {
    await page.goto('/');
    await section.getByRole('button', { name: 'Face 1' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 90_000 });
  });

  await test.step('3D mode plots the 468 mesh points', async () => {
    await expect.poll(() => plottedPoints(page), { timeout: 60_000 }).toBe(468);
    await expect(section.getByTestId('landmarks-overlay').locator('circle')).toHaveCount(468);
  });

  await test.step('dragging rotates the camera', async () => {
    const before = await camera(page);
    const plot = page.getByTestId('landmarks-plot');
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 120, y + 30, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => camera(page)).not.toBe(before);
  });

  await test.step('the 68-point subset, then 2D mode, plot 68 points with their contours', async () => {
    await section.getByRole('combobox', { name: 'Landmark points' }).selectOption('subset68');
    await expect.poll(() => plottedPoints(page)).toBe(68);
    await section.getByRole('combobox', { name: 'Landmark mode' }).selectOption('2d');
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 60_000 });
    await expect.poll(() => page.evaluate(() => (window as unknown as { __store: { getState(): { landmarksResult: { mode: string } | null } } }).__store.getState().landmarksResult?.mode)).toBe('2d');
    await expect.poll(() => plottedPoints(page)).toBe(68);
    await expect(section.getByTestId('landmarks-overlay').locator('polyline')).toHaveCount(9);
  });
});

test('landmarks: a worker that cannot start shows why in the panel, and the next try works', async ({ page }) => {
  const section = page.getByRole('region', { name: 'Landmarks' });
  const status = section.getByTestId('landmarks-status');
  // The worker's own script fails to load, as it did under the dev server (issue 16).
  await page.route(/landmarks\.worker/, (route) => route.abort());
  await page.goto('/');
  await section.getByRole('button', { name: 'Face 1' }).click();
  await expect(status).toHaveText(/^The landmarks worker failed: .+ Try again, or reload the page\.$/, { timeout: 60_000 });

  await page.unroute(/landmarks\.worker/);
  await section.getByRole('button', { name: 'Face 1' }).click();
  await expect(status).toHaveText('found 1 face', { timeout: 90_000 });
});

/** One field of the store (the e2e build exposes it on `window.__store`). */
const field = (page: Page, key: string) =>
  page.evaluate((k) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k], key);

/** The traces' point counts, in order (points, contours, compared points, compared contours). */
const plottedTraces = (page: Page) =>
  page.getByTestId('landmarks-plot').evaluate((el) => ((el as unknown as PlotDiv).data ?? []).map((t) => t.x.length));

test('landmarks: a trained keypoint model’s 68 points beside the pretrained ones, with their NME', async ({ page }) => {
  test.setTimeout(240_000);
  const section = page.getByRole('region', { name: 'Landmarks' });
  const nme = section.getByTestId('landmarks-nme');

  await test.step('train the facial-keypoints sample for 1 epoch at 32²', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Facial keypoints' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? ((await field(page, 'modelConfig')) as { inputSize?: number })?.inputSize : null), {
      timeout: 60_000,
    }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await page.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 150_000 }).toMatch(/^(done|failed)$/);
    expect(await field(page, 'trainMessage')).toBeNull();
  });

  await test.step('compare in Landmarks: two point sets in both views and a finite NME', async () => {
    await section.getByRole('button', { name: 'Face 1' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 90_000 });
    await section.getByRole('combobox', { name: 'Landmark points' }).selectOption('subset68');
    const compare = section.getByRole('button', { name: 'Compare with the trained model' });
    await compare.click();
    await expect(nme).toHaveText(/^NME vs trained \S+: \d+\.\d{3}$/);
    expect(Number.isFinite(Number((await nme.textContent())!.split(': ')[1]))).toBe(true);
    await expect(compare).toHaveAttribute('aria-pressed', 'true');
    const overlay = section.getByTestId('landmarks-overlay');
    await expect(overlay.locator('polyline[stroke="#7fdbff"]')).toHaveCount(9);
    await expect(overlay.locator('polyline[stroke="#ff6b6b"]')).toHaveCount(9);
    await expect.poll(() => plottedTraces(page)).toEqual([68, expect.any(Number), 68, expect.any(Number)]);
    await compare.click();
    await expect(nme).toHaveCount(0);
  });

  await test.step('Predict → Show in Landmarks: the predicted image with both point sets', async () => {
    await page.getByTestId('predict-input').setInputFiles('public/samples/faces/Angelo_Reyes_21.jpg');
    await page.getByRole('button', { name: 'Show in Landmarks' }).click();
    await expect.poll(() => field(page, 'landmarksImage')).toMatchObject({ name: 'Angelo_Reyes_21.jpg' });
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 60_000 });
    await expect(nme).toHaveText(/^NME vs trained \S+: \d+\.\d{3}$/);
    await expect(section.getByTestId('landmarks-overlay').locator('polyline[stroke="#ff6b6b"]')).toHaveCount(9);
  });
});
