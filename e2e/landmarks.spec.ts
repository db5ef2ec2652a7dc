import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';

failOnRequestsLeavingLocalhost();

interface PlotTrace {
  type: string;
  mode?: string;
  name: string;
  x: unknown[];
  i?: unknown[];
}
interface PlotDiv {
  data?: PlotTrace[];
  layout?: { scene?: { camera?: unknown } };
}

/** Each trace's type, mode, name and sizes, read from Plotly's graph div. */
const plotted = (page: Page) =>
  page
    .getByTestId('landmarks-plot')
    .evaluate((el) => ((el as unknown as PlotDiv).data ?? []).map((t) => ({ type: t.type, mode: t.mode, name: t.name, points: t.x.length, triangles: t.i?.length ?? 0 })));

/** The face's plotted points: the markers of every region trace (the compared model's aside). */
const plottedPoints = async (page: Page) =>
  (await plotted(page)).filter((t) => t.mode === 'markers' && t.name !== 'compared').reduce((n, t) => n + t.points, 0);

const REGIONS = ['lips', 'left eye', 'right eye', 'left brow', 'right brow', 'nose', 'face oval', 'rest'];

const camera = (page: Page) =>
  page.getByTestId('landmarks-plot').evaluate((el) => JSON.stringify((el as unknown as PlotDiv).layout?.scene?.camera ?? null));

test('landmarks: a sample face as a 468-point mesh surface by region, 68 contours and a flat 2D view, rotatable, all offline', async ({ page }) => {
  const section = page.getByRole('region', { name: 'Landmarks' });

  await test.step('open the studio and a sample face', async () => {
    await page.goto('/');
    await section.getByRole('button', { name: 'Face 1' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 90_000 });
  });

  await test.step('3D mode draws the mesh surface (880 triangles) with the 468 points by region, and a legend', async () => {
    await expect.poll(() => plottedPoints(page), { timeout: 60_000 }).toBe(468);
    await expect(section.getByTestId('landmarks-overlay').locator('circle')).toHaveCount(468);
    const [surface, ...regions] = await plotted(page);
    expect(surface).toMatchObject({ type: 'mesh3d', points: 468, triangles: 880 });
    expect(regions.map((t) => t.name)).toEqual(REGIONS);
    expect(regions.every((t) => t.type === 'scatter3d')).toBe(true);
    await expect(page.getByTestId('landmarks-plot').locator('.legend .legendtext')).toHaveText(['surface', ...REGIONS]);
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

  await test.step('the 3D view toggle switches to points only, to the 68 contours, and back to the mesh', async () => {
    const view = section.getByRole('group', { name: '3D view' });
    await view.getByRole('button', { name: 'Points' }).click();
    await expect.poll(async () => (await plotted(page)).map((t) => t.type)).toEqual(REGIONS.map(() => 'scatter3d'));
    await expect(view.getByRole('button', { name: 'Points' })).toHaveAttribute('aria-pressed', 'true');
    await view.getByRole('button', { name: '68 contours' }).click();
    await expect.poll(() => plottedPoints(page)).toBe(68);
    expect((await plotted(page)).filter((t) => t.mode === 'lines')).toHaveLength(9);
    await view.getByRole('button', { name: 'Mesh' }).click();
    await expect.poll(async () => (await plotted(page))[0]?.type).toBe('mesh3d');
  });

  await test.step('the 68-point subset, then 2D mode, plot 68 points with their contours', async () => {
    await section.getByRole('combobox', { name: 'Landmark points' }).selectOption('subset68');
    await expect.poll(() => plottedPoints(page)).toBe(68);
    await section.getByRole('combobox', { name: 'Landmark mode' }).selectOption('2d');
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 60_000 });
    await expect.poll(() => page.evaluate(() => (window as unknown as { __store: { getState(): { landmarksResult: { mode: string } | null } } }).__store.getState().landmarksResult?.mode)).toBe('2d');
    await expect.poll(() => plottedPoints(page)).toBe(68);
    // A flat view of the image's points, not a 3D scene.
    const types = new Set((await plotted(page)).map((t) => t.type));
    expect([...types]).toEqual(['scatter']);
    await expect(page.getByTestId('landmarks-plot').locator('.legend .legendtext')).toHaveText(REGIONS.filter((r) => r !== 'rest'));
    await expect(section.getByRole('group', { name: '3D view' }).getByRole('button', { name: 'Mesh' })).toBeDisabled();
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
  // The message names the image, as every bad-input message does.
  await expect(status).toHaveText(/^Bill_Frist_10\.jpg: The landmarks worker failed: .+ Try again, or reload the page\.$/, { timeout: 60_000 });

  await page.unroute(/landmarks\.worker/);
  await section.getByRole('button', { name: 'Face 1' }).click();
  await expect(status).toHaveText('found 1 face', { timeout: 90_000 });
});

/** One field of the store (the e2e build exposes it on `window.__store`). */
const field = (page: Page, key: string) =>
  page.evaluate((k) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k], key);

test('landmarks: a trained keypoint model’s 68 points beside the pretrained ones, with their NME', async ({ page }) => {
  test.setTimeout(240_000);
  const section = page.getByRole('region', { name: 'Landmarks' });
  const nme = section.getByTestId('landmarks-nme');

  await test.step('train the facial-keypoints sample on its proposed face_dense (face crops) for 1 epoch at 32²', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Facial keypoints' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await expect(page.getByRole('combobox', { name: 'Backbone' })).toHaveValue('face_dense', { timeout: 60_000 });
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? ((await field(page, 'modelConfig')) as { inputSize?: number })?.inputSize : null), {
      timeout: 60_000,
    }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
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
    await expect.poll(() => plottedPoints(page)).toBe(68);
    await expect.poll(async () => (await plotted(page)).filter((t) => t.name === 'compared').map((t) => t.points)).toEqual([68]);
    expect((await plotted(page)).at(-1)?.name).toBe('compared contours');
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
