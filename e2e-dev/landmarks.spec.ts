import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from '../e2e/offline';

failOnRequestsLeavingLocalhost();

interface PlotDiv {
  data?: { x: unknown[] }[];
}

/** The points trace's length, read from Plotly's graph div (`data[0]` is always the face's points). */
const plottedPoints = (page: Page) =>
  page.getByTestId('landmarks-plot').evaluate((el) => (el as unknown as PlotDiv).data?.[0]?.x.length ?? 0);

test('dev server (npm start): a sample face gets its landmarks on first use, with no reload on the way', async ({ page }) => {
  const section = page.getByRole('region', { name: 'Landmarks' });
  let loads = 0;
  page.on('load', () => loads++);
  const workerErrors: string[] = [];
  page.on('worker', (worker) => worker.on('console', (m) => m.type() === 'error' && workerErrors.push(m.text())));

  await test.step('open the studio and a sample face', async () => {
    await page.goto('/');
    await section.getByRole('button', { name: 'Face 1' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 150_000 });
  });

  await test.step('the 468 mesh points are drawn on the photo and plotted', async () => {
    await expect(section.getByTestId('landmarks-overlay').locator('circle')).toHaveCount(468);
    await expect.poll(() => plottedPoints(page), { timeout: 60_000 }).toBe(468);
  });

  await test.step('the page was loaded once: no dependency re-optimization reloaded it', async () => {
    expect(loads).toBe(1);
    expect(workerErrors).toEqual([]);
  });
});
