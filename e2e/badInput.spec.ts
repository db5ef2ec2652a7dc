import { expect, test, type Page } from '@playwright/test';
import { corpusPhotos, CRC, cut, DOTDOT, HUGE, hugePng, storedZip, type CorpusPhotos } from '../src/cli/badInputCorpus';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';
import { dropBytes, openStudio } from './studio';

/**
 * Issue 17's bad-input corpus in the studio: zips and images built from the shared datasets' real photos (as the
 * CLI's corpus test builds them), dropped on the dataset drop zone, on Predict and on Landmarks. Each bad item is
 * one problem line naming the file; the rest is read, trained on and scored; the page stays usable.
 */

failOnRequestsLeavingLocalhost();

const DATASETS = new URL('../../shared/datasets/', import.meta.url).pathname;

interface StoreView {
  modelStatus: string;
  modelConfig: { inputSize?: number } | null;
  datasetStatus: string;
  datasetReport: { classes?: string[]; skipped: number; problems: { file: string; reason: string; kept?: boolean }[] } | null;
  trainState: string;
  trainMessage: string | null;
  testEvaluation: { n: number; metrics: Record<string, number> } | null;
  prediction: { name: string; result: { task: string; probs?: number[] } } | null;
  predictStatus: string;
  landmarksStatus: string;
}
const field = storeField<StoreView>();

let photos: CorpusPhotos;
let huge: Uint8Array;

test.beforeAll(async () => {
  photos = await corpusPhotos(DATASETS);
  huge = await hugePng(photos.cats[7]);
});

const dropZip = (page: Page, name: string, zip: Uint8Array) => dropBytes(page, page.getByTestId('drop-zone'), name, zip, 'application/zip');

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The problem lines of `file` in the dataset report as the page shows it: the name in <code>, then the reason. */
const problem = (page: Page, file: string) => page.getByTestId('problem').filter({ has: page.locator('code', { hasText: new RegExp(`^${escapeRe(file)}$`) }) });

async function waitForDataset(page: Page) {
  await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
}

test('a zip with a bad entry of every kind: each named once, the rest trained on and scored, Predict names a bad image', async ({ page }) => {
  test.setTimeout(300_000);
  const { cats, dogs } = photos;
  const ESC = 'train/dogs/esc\u001b[2K\rproblems: none.jpg';
  const zip = storedZip([
    { name: 'train/cats/a.jpg', bytes: cats[0] },
    ...[1, 2, 3].map((i) => ({ name: `train/cats/c${i}.jpg`, bytes: cats[i] })),
    ...[0, 1, 2, 3].map((i) => ({ name: `train/dogs/d${i}.jpg`, bytes: dogs[i] })),
    ...[4, 5].map((i) => ({ name: `test/cats/c${i}.jpg`, bytes: cats[i] })),
    ...[4, 5].map((i) => ({ name: `test/dogs/d${i}.jpg`, bytes: dogs[i] })),
    { name: 'test/dogs/cut.jpg', bytes: cut(dogs[6]) },
    { name: 'train/dogs/crc.jpg', bytes: dogs[7], damage: true },
    { name: 'train/../../x.jpg', bytes: cats[6] },
    { name: 'train/cats/../../y.jpg', bytes: cats[6] },
    { name: 'train/cats/huge.png', bytes: huge },
    { name: ESC, bytes: cut(dogs[6]) },
    { name: 'train/cats/a.jpg', bytes: cats[7] },
  ]);

  await test.step('drop the zip: train 8 and test 4 of the good images, 6 skipped', async () => {
    await openStudio(page);
    await dropZip(page, 'mixed.zip', zip);
    await waitForDataset(page);
    await expect(page.getByTestId('dataset-layout')).toHaveText('Image folders');
    await expect(page.getByTestId('split-train')).toHaveText('train: 8');
    await expect(page.getByTestId('split-test')).toHaveText('test: 4');
    await expect(page.getByTestId('dataset-summary')).toContainText('6 skipped');
  });

  await test.step('each bad entry is one problem line naming it, with its reason', async () => {
    const lines: [string, string | RegExp][] = [
      ['test/dogs/cut.jpg', /does not decode: \S/],
      ['train/dogs/crc.jpg', CRC],
      ['train/../../x.jpg', DOTDOT],
      ['train/cats/../../y.jpg', DOTDOT],
      ['train/cats/huge.png', HUGE],
      ['train/cats/a.jpg', 'stored twice in the zip; the first copy is used'],
      // The escape and the carriage return are shown as text: no line of the page can be faked.
      ['train/dogs/esc\\x1b[2K\\x0dproblems: none.jpg', /does not decode: \S/],
    ];
    for (const [file, reason] of lines) {
      await expect(problem(page, file)).toHaveCount(1);
      await expect(problem(page, file)).toContainText(reason);
    }
    await expect(page.getByTestId('problem')).toHaveCount(lines.length);
    expect(await page.getByTestId('problems').textContent()).not.toMatch(/[\u0000-\u001f]/);
  });

  await test.step("'..' makes no class: the histogram and the report know cats and dogs only", async () => {
    expect((await field(page, 'datasetReport'))!.classes).toEqual(['cats', 'dogs']);
    await expect(page.getByTestId('hist-train-cats')).toContainText('4');
    await expect(page.getByTestId('hist-train-dogs')).toContainText('4');
    await expect(page.getByTestId('class-histogram').locator('.histogram-label', { hasText: '..' })).toHaveCount(0);
  });

  await test.step('train 1 epoch at 32²: the run ends done, the model is kept, the test split is scored on its 4 good images', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('4');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field(page, 'trainState'), { timeout: 180_000 }).toMatch(/^(done|failed)$/);
    expect(await field(page, 'trainMessage')).toBeNull();
    expect(await field(page, 'trainState')).toBe('done');
    expect((await field(page, 'testEvaluation'))?.n).toBe(4);
    await expect(page.getByTestId('test-evaluation')).toContainText('test split: 4 images');
    await expect(page.getByRole('button', { name: 'Download model' })).toBeEnabled();
  });

  const predictDrop = page.getByTestId('predict-drop');
  await test.step('Predict: a cut JPEG and a 400 MP PNG each give a message naming the file', async () => {
    await dropBytes(page, predictDrop, 'cut-cat.jpg', cut(cats[6]), 'image/jpeg');
    await expect(page.getByRole('alert')).toContainText(/^cut-cat\.jpg: \S/);
    await dropBytes(page, predictDrop, 'huge.png', huge, 'image/png');
    await expect(page.getByRole('alert')).toContainText(`huge.png: ${HUGE}`);
  });

  await test.step('Predict goes on: a good photo dropped next is predicted', async () => {
    await dropBytes(page, predictDrop, 'cat.jpg', cats[1], 'image/jpeg');
    await expect.poll(async () => (await field(page, 'prediction'))?.name, { timeout: 60_000 }).toBe('cat.jpg');
    expect(await field(page, 'predictStatus')).toBe('idle');
    const probs = (await field(page, 'prediction'))!.result.probs!;
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
  });
});

test('layouts that train badly are warned of in the report, and their images kept', async ({ page }) => {
  const { cats, dogs, utk } = photos;

  await test.step('a class with no training images, class names differing only by case, a name stored twice', async () => {
    await openStudio(page);
    await dropZip(
      page,
      'warn.zip',
      storedZip([
        ...[0, 1, 2].map((i) => ({ name: `train/cats/c${i}.jpg`, bytes: cats[i] })),
        ...[3, 4].map((i) => ({ name: `train/Cats/c${i}.jpg`, bytes: cats[i] })),
        ...[0, 1, 2].map((i) => ({ name: `train/dogs/d${i}.jpg`, bytes: dogs[i] })),
        { name: 'train/dogs/d0.jpg', bytes: dogs[5] },
        { name: 'test/birds/b.jpg', bytes: dogs[3] },
      ]),
    );
    await waitForDataset(page);
    await expect(problem(page, 'warn.zip').filter({ hasText: "class 'birds' has no training images: the model cannot learn it" })).toHaveCount(1);
    await expect(problem(page, 'warn.zip').filter({ hasText: "classes 'Cats' and 'cats' differ only by case: they are read as 2 classes" })).toHaveCount(1);
    await expect(problem(page, 'train/dogs/d0.jpg')).toHaveText('train/dogs/d0.jpg stored twice in the zip; the first copy is used');
    await expect(page.getByTestId('split-train')).toHaveText('train: 8');
    await expect(page.getByTestId('dataset-summary')).toContainText('0 skipped');
  });

  await test.step('UTKFace names: one gender only is warned of, an age of 200 is left out with a line', async () => {
    const age200 = `200${utk[2].name.slice(utk[2].name.indexOf('_'))}`;
    await dropZip(
      page,
      'utk.zip',
      storedZip([
        { name: utk[0].name, bytes: utk[0].bytes },
        { name: utk[1].name, bytes: utk[1].bytes },
        { name: age200, bytes: utk[2].bytes },
      ]),
    );
    await expect.poll(async () => (await field(page, 'datasetStatus')) === 'ready' && (await page.getByTestId('dataset-name').textContent()), { timeout: 60_000 }).toBe('utk.zip');
    await expect(problem(page, 'utk.zip').filter({ hasText: 'every training image is Male: the gender output cannot learn' })).toHaveCount(1);
    await expect(problem(page, age200)).toContainText('age 200 is not a human age (over 120); left out');
  });
});

test('Landmarks: a 400 MP PNG and a cut JPEG are refused by name at once; a face after them is found', async ({ page }) => {
  const landmarks = page.getByRole('region', { name: 'Landmarks' });
  const status = landmarks.getByTestId('landmarks-status');

  await test.step('drop a PNG declaring 20000×20000: too large, named, no hang', async () => {
    await page.goto('/');
    await dropBytes(page, landmarks, 'huge-face.png', huge, 'image/png');
    await expect(status).toHaveText(`huge-face.png: ${HUGE}`, { timeout: 90_000 });
    expect(await field(page, 'landmarksStatus')).toBe('error');
  });

  await test.step('drop a cut JPEG: a message naming it', async () => {
    await dropBytes(page, landmarks, 'cut-face.jpg', cut(photos.face), 'image/jpeg');
    await expect(status).toHaveText(/^cut-face\.jpg: \S/, { timeout: 60_000 });
  });

  await test.step('the page stays usable: a sample face is found', async () => {
    await landmarks.getByRole('button', { name: 'Face 1' }).click();
    await expect(status).toHaveText('found 1 face', { timeout: 90_000 });
  });
});
