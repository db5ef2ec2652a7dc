import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';
import { dropZipFile } from './studio';

failOnRequestsLeavingLocalhost();

/** The real datasets, beside the repository (see ../shared/datasets/README.md). */
const SHARED = new URL('../../shared/datasets/', import.meta.url).pathname;

/** The dataset fields of the store the e2e build exposes. */
interface DatasetView {
  datasetStatus: string;
  datasetReport: {
    layout: string;
    splits: Record<string, { count: number; classes?: Record<string, number>; points?: number; genders?: Record<string, number> }>;
    problems: unknown[];
  } | null;
}

const state = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { __store: { getState(): DatasetView } }).__store.getState();
    return { datasetStatus: s.datasetStatus, datasetReport: s.datasetReport, items: 'datasetItems' in s };
  });

/** Items of `split` as the trainer worker, which holds the dataset, hands them to the grid. */
const workerItems = (page: Page, split: string) =>
  page.evaluate(
    (split) =>
      (
        window as unknown as {
          __trainerWorker: { now(fn: (api: { items(split: string, offset: number, count: number): Promise<{ split: string }[]> }) => Promise<{ split: string }[]>): Promise<{ split: string }[]> };
        }
      ).__trainerWorker.now((api) => api.items(split, 0, 10_000)),
    split,
  );

async function waitForDataset(page: Page) {
  await expect.poll(async () => (await state(page)).datasetStatus, { timeout: 60_000 }).toBe('ready');
}

test('drop cats-dogs.zip: 300 train thumbnails with their labels and a 150/150 histogram', async ({ page }) => {
  await test.step('open the studio: the drop zone and samples are on the first screen', async () => {
    await page.goto('/');
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    await expect(page.getByRole('group', { name: 'Try a sample' }).getByRole('button')).toHaveCount(3);
  });

  await test.step('drop the zip: the Train panel shows "Reading images n / 400" with its times, until it is read', async () => {
    // Every text the Train panel's reading phase showed, recorded in the page as it changed.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __reading: string[] }).__reading = []);
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid=train-reading]')?.textContent;
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dropZipFile(page, SHARED + 'cats-dogs.zip', 'cats-dogs.zip');
    await waitForDataset(page);
    const seen = await page.evaluate(() => (window as unknown as { __reading: string[] }).__reading);
    expect(seen.length).toBeGreaterThan(0);
    const time = String.raw`(\d+\.\ds|\d+m \d\ds)`;
    for (const text of seen) expect(text).toMatch(new RegExp(String.raw`^Reading images\s+\d+ / 400 · ${time} elapsed( · ${time} left)?$`));
    const done = seen.map((text) => Number(/(\d+) \/ 400/.exec(text)![1]));
    expect(done).toEqual([...done].sort((a, b) => a - b));
    await expect(page.getByTestId('train-reading')).toHaveCount(0);
  });

  await test.step('the report: image folders, binary, train 300 / test 100, no problems', async () => {
    await expect(page.getByTestId('dataset-layout')).toHaveText('Image folders');
    await expect(page.getByTestId('split-train')).toHaveText('train: 300');
    await expect(page.getByTestId('split-test')).toHaveText('test: 100');
    await expect(page.getByTestId('problems')).toContainText('No problems found');
  });

  await test.step('the histogram shows 150 cats and 150 dogs in train', async () => {
    await expect(page.getByTestId('hist-train-cats')).toContainText('150');
    await expect(page.getByTestId('hist-train-dogs')).toContainText('150');
    await expect(page.getByTestId('hist-test-cats')).toContainText('50');
  });

  await test.step('the grid holds 300 train thumbnails, labelled, virtualized, drawn from the zip', async () => {
    await expect(page.getByTestId('grid-count')).toHaveText('300 images');
    const thumbs = page.getByTestId('thumb');
    await expect(thumbs.first()).toHaveAttribute('data-path', /^train\/cats\//);
    await expect(thumbs.first().getByTestId('thumb-label')).toHaveText('cats');
    await expect(thumbs.first().getByTestId('thumb-image')).toHaveAttribute('href', /^blob:/);
    expect(await thumbs.count()).toBeLessThan(300); // only rows on screen are in the page
    await page.getByTestId('thumbnail-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = page.locator('[data-testid=thumb][data-path="train/dogs/dog.987.jpg"]');
    await expect(last.getByTestId('thumb-label')).toHaveText('dogs');
    await expect(last.getByTestId('thumb-image')).toHaveAttribute('href', /^blob:/);
    // The items stay in the trainer worker: the page holds the report and asks for the rows it shows.
    expect((await state(page)).items).toBe(false);
    const items = await workerItems(page, 'train');
    expect(items).toHaveLength(300);
    expect(items.every((i) => i.split === 'train')).toBe(true);
  });
});

test('pick facial-keypoints.zip: a thumbnail with 68 dots coloured by face group', async ({ page }) => {
  await page.goto('/');
  await test.step('pick the zip', async () => {
    await page.getByTestId('zip-input').setInputFiles(SHARED + 'facial-keypoints.zip');
    await waitForDataset(page);
    await expect(page.getByTestId('dataset-layout')).toHaveText('Keypoints CSV');
    await expect(page.getByTestId('split-training')).toHaveText('training: 400');
    await expect(page.getByTestId('split-test')).toHaveText('test: 100');
  });

  await test.step('the first thumbnail has 68 dots: 17 jaw, 10 brows, 9 nose, 12 eyes, 20 lips', async () => {
    const thumb = page.getByTestId('thumb').first();
    await expect(thumb.getByTestId('thumb-image')).toHaveAttribute('href', /^blob:/);
    await expect(thumb.locator('circle')).toHaveCount(68);
    for (const [group, n] of [['jaw', 17], ['brows', 10], ['nose', 9], ['eyes', 12], ['lips', 20]] as const) {
      await expect(thumb.locator(`circle.kp-${group}`)).toHaveCount(n);
    }
    // The dots lie on the image: every centre inside its viewBox.
    const inside = await thumb.locator('svg').evaluate((svg) => {
      const box = (svg as SVGSVGElement).viewBox.baseVal;
      return Array.from(svg.querySelectorAll('circle')).every((c) => {
        const x = Number(c.getAttribute('cx'));
        const y = Number(c.getAttribute('cy'));
        return x >= 0 && y >= 0 && x <= box.width && y <= box.height;
      });
    });
    expect(inside).toBe(true);
  });
});

/** The model built and shown (backbone, preset, input size) once it is ready, as the model bar shows it. */
async function builtModel(page: Page): Promise<string | null> {
  const s = await page.evaluate(() => {
    const { modelStatus, modelConfig } = (window as unknown as { __store: { getState(): { modelStatus: string; modelConfig: { backbone: string; preset: string; inputSize?: number } | null } } }).__store.getState();
    return { modelStatus, modelConfig };
  });
  return s.modelStatus === 'ready' && s.modelConfig ? `${s.modelConfig.backbone} ${s.modelConfig.preset} ${s.modelConfig.inputSize}` : null;
}

test('the three sample buttons load their samples, each with its task\'s default model proposed', async ({ page }) => {
  await page.goto('/');
  const samples = page.getByRole('group', { name: 'Try a sample' });
  const backbone = page.getByRole('combobox', { name: 'Backbone' });

  await test.step('Cats vs dogs', async () => {
    await samples.getByRole('button', { name: 'Cats vs dogs' }).click();
    await waitForDataset(page);
    await expect(page.getByTestId('dataset-name')).toHaveText('cats-dogs.zip');
    await expect(page.getByTestId('hist-train-cats')).toContainText('40');
    await expect(page.getByTestId('thumb').first().getByTestId('thumb-label')).toHaveText('cats');
    await expect.poll(() => builtModel(page), { timeout: 60_000 }).toBe('mobilenet_v3 binary 320');
  });

  await test.step('Facial keypoints', async () => {
    await samples.getByRole('button', { name: 'Facial keypoints' }).click();
    await expect(page.getByTestId('dataset-name')).toHaveText('facial-keypoints.zip');
    await waitForDataset(page);
    await expect(page.getByTestId('split-training')).toHaveText('training: 60');
    await expect(page.getByTestId('thumb').first().locator('circle')).toHaveCount(68);
    // With no click: the keypoints default (what `train --data` runs), face_dense at 112² on face crops.
    await expect.poll(() => builtModel(page), { timeout: 60_000 }).toBe('face_dense keypoints 112');
    await expect(backbone).toHaveValue('face_dense');
    await expect(page.getByTestId('model-input-size')).toHaveText('input 112×112');
    await expect(page.getByRole('checkbox', { name: 'Face crop' })).toBeChecked();
  });

  await test.step('Age + gender', async () => {
    await samples.getByRole('button', { name: 'Age + gender' }).click();
    await expect(page.getByTestId('dataset-name')).toHaveText('age-gender.zip');
    await waitForDataset(page);
    await expect(page.getByTestId('dataset-layout')).toHaveText('Age + gender CSV');
    await expect(page.getByTestId('hist-train-Male')).toContainText('40');
    await expect(page.getByTestId('hist-train-Female')).toContainText('40');
    await expect(page.getByTestId('thumb').first().getByTestId('thumb-label')).toHaveText(/^\d+(\.\d)? y · (Male|Female)$/);
    await expect.poll(() => builtModel(page), { timeout: 60_000 }).toBe('face_xception age-gender 112');
    await expect(backbone).toHaveValue('face_xception');
    await expect(page.getByTestId('model-input-size')).toHaveText('input 112×112');
  });
});

test('a new backend restarts the trainer worker: it reads the same dataset again, shows it and trains on it', async ({ page }) => {
  test.setTimeout(240_000);
  const field = <K extends string>(key: K) =>
    page.evaluate((k) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k], key);

  await test.step('open the cats-dogs sample, then choose the cpu backend', async () => {
    await page.goto('/');
    await expect.poll(() => field('modelStatus'), { timeout: 90_000 }).toBe('ready');
    await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
    await waitForDataset(page);
    await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
    await expect(page.getByTestId('backend-badge')).toContainText('cpu forced', { timeout: 60_000 });
    await expect.poll(() => field('modelStatus'), { timeout: 90_000 }).toBe('ready');
  });

  await test.step('the new worker holds the dataset: its items and thumbnails come from it', async () => {
    expect(await workerItems(page, 'train')).toHaveLength(80);
    await page.getByRole('tab', { name: 'test' }).click();
    await expect(page.getByTestId('grid-count')).toHaveText('20 images');
    await expect(page.getByTestId('thumb').first().getByTestId('thumb-image')).toHaveAttribute('href', /^blob:/);
  });

  await test.step('train one epoch at 32² on it', async () => {
    await page.getByRole('combobox', { name: 'Input size' }).selectOption('32');
    await expect.poll(async () => ((await field('modelStatus')) === 'ready' ? ((await field('modelConfig')) as { inputSize?: number }).inputSize : null), { timeout: 60_000 }).toBe(32);
    await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
    await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => field('trainState'), { timeout: 180_000 }).toMatch(/^(done|failed)$/);
    expect(await field('trainMessage')).toBeNull();
    expect(((await field('epochs')) as unknown[]).length).toBe(1);
  });
});
