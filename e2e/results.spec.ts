import { expect, test, type Page } from '@playwright/test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readFile } from 'node:fs/promises';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

/** The studio's store, as the e2e build exposes it; only the fields this journey reads. */
interface StoreView {
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  testStatus: string;
  testResult: {
    evaluation: { n: number; metrics: Record<string, number>; confusion?: number[][] };
    items: { item: { path: string; label?: number }; loss: number; prediction: { label?: number } }[];
  } | null;
  batchStatus: string;
}

const field = storeField<StoreView>();

/** The sample's test split as its own zip (class folders kept, so rows have their truth), plus one broken image. */
async function testImagesZip(): Promise<{ name: string; mimeType: string; buffer: Buffer; images: string[] }> {
  const sample = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const test = Object.fromEntries(Object.entries(sample).filter(([p]) => p.startsWith('test/') && p.endsWith('.jpg')));
  const files = { ...test, 'test/dogs/broken.jpg': strToU8('not a jpeg at all') };
  return { name: 'cats-dogs-test.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)), images: Object.keys(files) };
}

/** The confidence column as numbers, in the order shown. */
const confidences = (page: Page) =>
  page.getByTestId('batch-confidence').evaluateAll((cells) => cells.map((c) => c.textContent ?? '').filter((t) => t).map((t) => parseFloat(t)));

failOnRequestsLeavingLocalhost();

test('results: evaluate on test, top losses, a confusion cell, batch predict a zip sorted by confidence, CSV', async ({ page }) => {
  test.setTimeout(300_000);

  await test.step('open the cats-dogs sample and train 1 epoch at 64²', async () => {
    await page.goto('/');
    await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toBe('done');
  });

  const results = page.getByRole('region', { name: 'Evaluation' });
  await test.step('Evaluate on test: accuracy of the 20 test images and their confusion matrix', async () => {
    await results.getByRole('button', { name: 'Evaluate on test' }).click();
    await expect.poll(() => field(page, 'testStatus'), { timeout: 120_000 }).toBe('done');
    const result = (await field(page, 'testResult'))!;
    expect(result.evaluation.n).toBe(20);
    await expect(results.getByTestId('test-metric-accuracy')).toContainText(result.evaluation.metrics.accuracy.toFixed(3));
    expect(result.evaluation.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(20);
    await expect(results.getByTestId('test-confusion-matrix')).toBeVisible();
  });

  await test.step('top losses: the worst images first, with truth, prediction and loss', async () => {
    const result = (await field(page, 'testResult'))!;
    const losses = result.items.map((i) => i.loss);
    expect(losses).toEqual([...losses].sort((a, b) => b - a));
    await results.getByTestId('top-losses').locator('summary').click();
    const shown = results.getByTestId('top-losses-items').getByTestId('interpreted-item');
    await expect(shown).toHaveCount(12);
    await expect(shown.first()).toHaveAttribute('data-path', result.items[0].item.path);
    await expect(shown.first()).toContainText(/(cats|dogs) → (cats|dogs) \d+% · loss \d+\.\d\d/);
  });

  await test.step('a click on a confusion-matrix cell shows the images of that cell', async () => {
    const result = (await field(page, 'testResult'))!;
    const classes = ['cats', 'dogs'];
    const confusion = result.evaluation.confusion!;
    // The fullest cell, so there are images to see.
    const [t, p] = [0, 1].flatMap((t) => [0, 1].map((p) => [t, p])).sort((a, b) => confusion[b[0]][b[1]] - confusion[a[0]][a[1]])[0];
    await results.getByTestId(`test-cm-${classes[t]}-${classes[p]}`).click();
    const cell = results.getByTestId('cell-items').getByTestId('interpreted-item');
    await expect(cell).toHaveCount(confusion[t][p]);
    const expected = result.items.filter((i) => i.item.label === t && i.prediction.label === p).map((i) => i.item.path).sort();
    expect((await cell.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).sort()).toEqual(expected);
  });

  const zip = await testImagesZip();
  await test.step('batch predict the test images from a zip: one row each, the broken image a row with its problem', async () => {
    await results.getByTestId('batch-input').setInputFiles({ name: zip.name, mimeType: zip.mimeType, buffer: zip.buffer });
    await expect.poll(() => field(page, 'batchStatus'), { timeout: 120_000 }).toBe('done');
    await expect(results.getByTestId('batch-row')).toHaveCount(zip.images.length);
    await expect(results.getByTestId('batch-summary')).toContainText(`${zip.images.length} images, 1 could not be predicted`);
    await expect(results.locator('tr[data-path="test/dogs/broken.jpg"]')).toContainText('test/dogs/broken.jpg:');
    // Truth from the zip's own class folders.
    await expect(results.locator('tr[data-path="test/cats/cat.4173.jpg"] td').nth(3)).toHaveText('cats');
  });

  await test.step('sort by confidence, both ways', async () => {
    // Confidence descending is the first order.
    let shown = await confidences(page);
    expect(shown).toHaveLength(20);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    await results.getByTestId('batch-sort-confidence').click();
    await expect(results.getByTestId('batch-sort-confidence')).toHaveText('confidence ▲');
    shown = await confidences(page);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // The failed image stays last.
    await expect(results.getByTestId('batch-row').last()).toHaveAttribute('data-path', 'test/dogs/broken.jpg');
  });

  await test.step('Export CSV: a header and one line per row, in the order shown', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('cats-dogs-test-predictions.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('file,prediction,confidence,truth,error,problem,p_cats,p_dogs');
    expect(lines).toHaveLength(zip.images.length + 1);
    const paths = await results.getByTestId('batch-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(paths);
    const first = lines[1].split(',');
    expect(first[1]).toMatch(/^(cats|dogs)$/);
    expect(Number(first[2]) * 100).toBeCloseTo(Math.min(...(await confidences(page))), 0);
    expect(Number(first[6]) + Number(first[7])).toBeCloseTo(1, 5);
    expect(lines.at(-1)).toMatch(/^test\/dogs\/broken\.jpg,,,,,"?test\/dogs\/broken\.jpg: /);
  });
});
