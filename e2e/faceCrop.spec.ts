import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';
import { dropBytes, openStudio, settled } from './studio';

const SHARED = new URL('../../shared/datasets/facial-keypoints.zip', import.meta.url).pathname;
/** The subset's size: enough for a split and a few batches, few enough that BlazeFace's pass takes seconds. */
const TRAIN_ROWS = 40;
const TEST_ROWS = 6;
/** A grey image with no face in it, among the train rows: its crop is the whole image, and a notice says so. */
const BLANK = 'blank_grey.png';

interface StoreView {
  proposal: { hyper: { faceCrop?: { scale: number; shift: number } } } | null;
  modelConfig: { backbone: string; preset: string; inputSize?: number } | null;
  undoStack: unknown[];
  modelStatus: string;
  trainState: string;
  trainMessage: string | null;
  runConfig: { model: { backbone: string; faceCrop?: unknown } } | null;
  shownBatch: { images: { item: { path: string; crop?: { square: [number, number, number] } } }[] } | null;
  testEvaluation: { n: number; metrics: Record<string, number> } | null;
  prediction: { result: { task: string; points: [number, number][]; crop?: { square: [number, number, number]; noFace: boolean } } } | null;
}
const field = storeField<StoreView>();

failOnRequestsLeavingLocalhost();

/** The CSV's header and its first `n` rows. */
function firstRows(csv: string, n: number): { header: string; rows: string[] } {
  const [header, ...rows] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  return { header, rows: rows.slice(0, n) };
}

/**
 * A small facial-keypoints zip in the shared zip's layout: its first TRAIN_ROWS training rows (and a faceless grey
 * image with the first row's points) and TEST_ROWS test rows, each with its image.
 */
async function keypointsSubset(): Promise<{ zip: Uint8Array; testImage: { name: string; mimeType: string; buffer: Buffer } }> {
  const all = unzipSync(new Uint8Array(await readFile(SHARED)));
  const out: Zippable = {};
  const train = firstRows(strFromU8(all['training_frames_keypoints.csv']), TRAIN_ROWS);
  const test = firstRows(strFromU8(all['test_frames_keypoints.csv']), TEST_ROWS);
  for (const row of train.rows) out[`training/${row.split(',')[0]}`] = all[`training/${row.split(',')[0]}`];
  for (const row of test.rows) out[`test/${row.split(',')[0]}`] = all[`test/${row.split(',')[0]}`];
  // Larger than any photo of the set, so the first row's points lie inside it.
  out[`training/${BLANK}`] = new Uint8Array(await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer());
  const blankRow = [BLANK, ...train.rows[0].split(',').slice(1)].join(',');
  out['training_frames_keypoints.csv'] = strToU8([train.header, ...train.rows, blankRow].join('\n') + '\n');
  out['test_frames_keypoints.csv'] = strToU8([test.header, ...test.rows].join('\n') + '\n');
  const name = test.rows[0].split(',')[0];
  return { zip: zipSync(out, { level: 0 }), testImage: { name, mimeType: 'image/jpeg', buffer: Buffer.from(all[`test/${name}`]) } };
}

test('face crop: face_dense on face crops, trained and predicted in the studio', async ({ page }) => {
  test.setTimeout(240_000);
  const { zip, testImage } = await keypointsSubset();
  await openStudio(page);

  await test.step('drop a small keypoints zip: with no click, face_dense at 112² on face crops is proposed', async () => {
    await dropBytes(page, page.getByTestId('drop-zone'), 'keypoints-small.zip', zip, 'application/zip');
    await settled(page);
    // The untrained mobilenet_v3 the studio opened with follows the dataset: the keypoints default, built once.
    const built = async () => {
      const config = (await field(page, 'modelStatus')) === 'ready' ? await field(page, 'modelConfig') : null;
      return config && `${config.backbone} ${config.preset} ${config.inputSize}`;
    };
    await expect.poll(built, { timeout: 60_000 }).toBe('face_dense keypoints 112');
    await expect(page.getByRole('combobox', { name: 'Backbone' })).toHaveValue('face_dense');
    await expect(page.getByRole('combobox', { name: 'Preset' })).toHaveValue('keypoints');
    await expect(page.getByTestId('model-input-size')).toHaveText('input 112×112');
    await expect(page.getByRole('combobox', { name: 'Input size' })).toHaveValue('112');
    // Nothing the user did to take back: the switch is the studio's proposal, not theirs.
    expect(await field(page, 'undoStack')).toEqual([]);
    const box = page.getByRole('checkbox', { name: 'Face crop' });
    await expect(page.getByText('Face crop', { exact: true }).locator('..')).toHaveAttribute('title', 'Train and predict on the square around each face BlazeFace finds');
    // The keypoints recipe on face_dense proposes the face crop (FACE_CROP): the box is on, untouched.
    expect((await field(page, 'proposal'))!.hyper.faceCrop).toEqual({ scale: 1, shift: 0.1 });
    await expect(box).toBeChecked();
    await expect(page.getByRole('button', { name: 'Reset to proposed' })).toBeDisabled();
  });

  await test.step('the proposed recipe (frozen trunk) for 1 epoch at 64², batch 8', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('64');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 }).toBe(64);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  });

  await test.step('Find learning rate: the sweep finds the train images\' faces first; cancel', async () => {
    const finder = page.getByRole('region', { name: 'Learning-rate finder' });
    await finder.getByRole('button', { name: 'Find learning rate' }).click();
    await expect(finder.getByTestId('lr-finder-progress')).toContainText('Finding faces', { timeout: 60_000 });
    await finder.getByRole('button', { name: 'Cancel' }).click();
    await expect(finder.getByTestId('lr-finder-message')).toHaveText(/^Cancelled after \d+ steps?\.$/, { timeout: 60_000 });
  });

  await test.step('Show batch: the batch as the run sees it, each image cut to its face crop', async () => {
    await page.getByRole('button', { name: 'Show batch' }).click();
    await expect(page.getByTestId('batch-image')).toHaveCount(8, { timeout: 60_000 });
    const images = (await field(page, 'shownBatch'))!.images;
    expect(images.every((image) => image.item.crop !== undefined)).toBe(true);
    await page.getByRole('region', { name: 'Show batch' }).getByRole('button', { name: 'Close' }).click();
  });

  await test.step('train: Finding faces, a notice for the faceless image, val NME', async () => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect(page.getByTestId('train-phase')).toContainText('Finding faces', { timeout: 60_000 });
    await expect.poll(() => field(page, 'trainState'), { timeout: 150_000 }).toMatch(/^(done|failed|stopped)$/);
    expect(await field(page, 'trainMessage')).toBeNull();
    expect(await field(page, 'trainState')).toBe('done');
    expect((await field(page, 'runConfig'))?.model.faceCrop).toBeTruthy();
    const images = TRAIN_ROWS + 1 + TEST_ROWS;
    await expect(page.getByTestId('train-notices')).toContainText(new RegExp(`No face found in 1 of ${images} images \\(training/${BLANK}\\)`));
    await expect(page.getByTestId('kept-epoch')).toHaveText(/best val_nme \d+\.\d{3}/);
  });

  await test.step('Evaluate on test: scored on the run’s own crops, the NME the run gave its test split', async () => {
    const run = (await field(page, 'testEvaluation'))!;
    expect(run.n).toBe(TEST_ROWS);
    await page.getByRole('button', { name: 'Evaluate on test' }).click();
    await expect(page.getByTestId('test-metric-nme').locator('dd')).toHaveText(run.metrics.nme.toFixed(3), { timeout: 60_000 });
  });

  await test.step('Predict a test image: 68 points inside the image, mostly inside the dashed crop square', async () => {
    await page.getByTestId('predict-input').setInputFiles(testImage);
    await expect(page.getByTestId('predicted-points').locator('circle.kp-pred')).toHaveCount(68, { timeout: 60_000 });
    await expect(page.getByTestId('predicted-crop')).toHaveCount(1);
    const { points, crop } = (await field(page, 'prediction'))!.result;
    expect(crop?.noFace).toBe(false);
    const [x0, y0, side] = crop!.square;
    const { width, height } = await sharp(testImage.buffer).metadata();
    expect(points.every(([x, y]) => x >= 0 && y >= 0 && x <= width! && y <= height!)).toBe(true);
    const inside = points.filter(([x, y]) => x >= x0 && y >= y0 && x <= x0 + side && y <= y0 + side).length;
    expect(inside).toBeGreaterThanOrEqual(60);
  });
});
