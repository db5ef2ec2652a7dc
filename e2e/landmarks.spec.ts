import { expect, test, type Page } from '@playwright/test';

/** Requests that left localhost during the test. */
let outside: string[] = [];

test.beforeEach(async ({ context }) => {
  outside = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return; // blob:, data:
    if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) outside.push(request.url());
  });
});

test.afterEach(() => {
  expect(outside, 'requests that left localhost').toEqual([]);
});

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
