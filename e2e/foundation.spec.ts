import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost } from './offline';

/** The studio's store, as the e2e build exposes it; only the fields these journeys read. */
interface StoreView {
  backendStatus: string;
  backendChoice: { backend: string; reason: string; adapter?: string; threads?: number } | null;
  modelStatus: string;
  modelConfig: { backbone: string; preset: string } | null;
  modelView: { total: number; trainable: number; nonTrainable: number; tree: { children: { path: string }[] } } | null;
  pendingPath: string | null;
  undoStack: unknown[];
}

const state = (page: Page) =>
  page.evaluate(() => (window as unknown as { __store: { getState(): StoreView } }).__store.getState());

failOnRequestsLeavingLocalhost();

async function waitForModel(page: Page) {
  await expect.poll(async () => (await state(page)).modelStatus, { timeout: 90_000 }).toBe('ready');
  await expect(page.getByTestId('model-loading')).toBeHidden();
}

async function chooseModel(page: Page, backbone: string, preset: string) {
  await page.getByRole('combobox', { name: 'Backbone' }).selectOption(backbone);
  await page.getByRole('combobox', { name: 'Preset' }).selectOption(preset);
  await expect.poll(async () => (await state(page)).modelConfig).toEqual({ backbone, preset, freezeOps: [] });
  await waitForModel(page);
}

const trainToggle = (page: Page, path: string) =>
  page.getByTestId(`module-${path}`).getByRole('checkbox', { name: `Train ${path}`, exact: true });

test('default flags: wasm, because the WebGPU adapter is software', async ({ page }) => {
  await test.step('open the studio', async () => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Transfer Studio' })).toBeVisible();
  });

  await test.step('the badge says CPU in plain words; its details name wasm and the SwiftShader adapter as the reason', async () => {
    const badge = page.getByTestId('backend-badge');
    const threads = await page.evaluate(() => navigator.hardwareConcurrency);
    await expect(badge.getByTestId('backend-summary')).toHaveText(`Running on your CPU (${threads} threads) — no usable GPU found`, { timeout: 60_000 });
    const reason = badge.getByText('WebGPU adapter is software (SwiftShader)', { exact: true });
    await expect(reason).toBeHidden();
    await badge.getByText('why').click();
    await expect(reason).toBeVisible();
    await expect(badge).toContainText('wasm');
    const choice = (await state(page)).backendChoice!;
    expect(choice.backend).toBe('wasm');
    expect(choice.adapter).toMatch(/swiftshader/i);
    expect(choice.threads, 'wasm threads = hardwareConcurrency').toBe(await page.evaluate(() => navigator.hardwareConcurrency));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  await test.step('the default model is built and its tree shown', async () => {
    await waitForModel(page);
    await expect(page.getByTestId('module-')).toBeVisible();
    await expect(page.getByTestId('param-total')).toHaveText(/^\d{1,3}(,\d{3})*$/);
  });

  await test.step('the backend select restarts the worker on cpu and rebuilds the same model', async () => {
    const before = (await state(page)).modelView!;
    await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
    await expect(page.getByTestId('backend-summary')).toHaveText('Running on your CPU (plain JavaScript, slowest) — as chosen');
    await expect(page.getByTestId('backend-badge')).toContainText('cpu forced');
    await expect(page).toHaveURL(/[?&]backend=cpu\b/);
    await waitForModel(page);
    await expect(page.getByTestId('param-total')).toHaveText(before.total.toLocaleString('en-US'));
    await expect(page.getByTestId('param-trainable')).toHaveText(before.trainable.toLocaleString('en-US'));
  });
});

test('?backend=webgpu: forced WebGPU on SwiftShader, and the tree still works', async ({ page }) => {
  await test.step('open the studio with ?backend=webgpu', async () => {
    await page.goto('/?backend=webgpu');
    await expect(page.getByTestId('backend-summary')).toHaveText('Running on your GPU (WebGPU) — as chosen', { timeout: 60_000 });
    await expect(page.getByTestId('backend-badge')).toContainText(/forced.*SwiftShader/);
    await expect(page.getByRole('combobox', { name: 'Backend' })).toHaveValue('webgpu');
    await waitForModel(page);
  });

  await test.step('freeze the head: the counts change; train it again: they change back', async () => {
    const before = (await state(page)).modelView!;
    const head = before.tree.children.at(-1)!.path; // the preset's head, trainable by default
    const toggle = trainToggle(page, head);
    await expect(toggle).toBeChecked();
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await expect.poll(async () => (await state(page)).modelView!.trainable).toBe(0);
    await expect(page.getByTestId('param-trainable')).toHaveText('0');
    await expect(page.getByTestId('param-nontrainable')).toHaveText(before.total.toLocaleString('en-US'));
    await toggle.click();
    await expect(page.getByTestId('param-trainable')).toHaveText(before.trainable.toLocaleString('en-US'));
  });
});

test('VGG16 + binary: unfreeze features.28, freeze it again, undo', async ({ page }) => {
  await test.step('open the studio and choose VGG16 + binary', async () => {
    await page.goto('/');
    await waitForModel(page);
    await chooseModel(page, 'vgg16', 'binary');
    await expect(page.getByTestId('param-total')).toHaveText('14,780,481');
    await expect(page.getByTestId('param-trainable')).toHaveText('65,793');
    await expect(page.getByTestId('param-nontrainable')).toHaveText('14,714,688');
  });

  const toggle = trainToggle(page, 'features.28');

  await test.step('the tree opens at its top-level modules: features.28 shows once features is expanded', async () => {
    await expect(trainToggle(page, 'features')).toBeVisible();
    await expect(toggle).toHaveCount(0);
    await page.getByRole('button', { name: 'Expand features', exact: true }).click();
    await expect(toggle).toBeVisible();
  });

  await test.step('unfreeze features.28', async () => {
    await expect(toggle).not.toBeChecked();
    await toggle.click();
    await expect(toggle).toBeChecked();
    await expect(page.getByTestId('param-trainable')).toHaveText('2,425,601');
    await expect(page.getByTestId('params-features.28')).toHaveText('2,359,808 / 2,359,808');
    await expect(trainToggle(page, 'features')).toHaveJSProperty('indeterminate', true);
  });

  await test.step('freeze it again', async () => {
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await expect(page.getByTestId('param-trainable')).toHaveText('65,793');
  });

  await test.step('undo (button) brings the unfrozen features.28 back; Ctrl+Z undoes the unfreeze', async () => {
    await page.getByRole('button', { name: /^Undo freeze features\.28/ }).click();
    await expect(page.getByTestId('param-trainable')).toHaveText('2,425,601');
    await expect(toggle).toBeChecked();
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('param-trainable')).toHaveText('65,793');
    await expect(toggle).not.toBeChecked();
    await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  });

  await test.step('undo restores a mixed parent exactly: freeze features after unfreezing features.28', async () => {
    await toggle.click();
    await expect(page.getByTestId('param-trainable')).toHaveText('2,425,601');
    await trainToggle(page, 'features').click(); // mixed → all trainable
    await expect(page.getByTestId('param-trainable')).toHaveText('14,780,481');
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('param-trainable')).toHaveText('2,425,601');
    await expect(toggle).toBeChecked();
  });
});
