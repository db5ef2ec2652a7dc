import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';
import { storeField } from './store';

/** The store fields every journey waits on. */
interface Statuses {
  modelStatus: string;
  datasetStatus: string;
}
const field = storeField<Statuses>();

/** Opens the studio and waits for its first model to be built. */
export async function openStudio(page: Page): Promise<void> {
  await page.goto('/');
  await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
}

/** Both the model and the dataset are ready (after a load, a reload or a switch). */
export async function settled(page: Page, timeout = 90_000): Promise<void> {
  await expect
    .poll(async () => [await field(page, 'modelStatus'), await field(page, 'datasetStatus')], { timeout })
    .toEqual(['ready', 'ready']);
}

/** Drops `bytes` as one file called `name` on `target`, as a real DataTransfer. */
export async function dropBytes(page: Page, target: Locator, name: string, bytes: Uint8Array, type: string): Promise<void> {
  const base64 = Buffer.from(bytes).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { base64, name, type },
  );
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Drops the zip at `path` on the dataset drop zone under the name `name`. */
export async function dropZipFile(page: Page, path: string, name: string): Promise<void> {
  await dropBytes(page, page.getByTestId('drop-zone'), name, await readFile(path), 'application/zip');
}

/** The Data step's histogram: how many train images class `cls` has. */
export const trainCount = async (page: Page, cls: string) => Number(await page.getByTestId(`hist-train-${cls}`).locator('.histogram-count').textContent());
