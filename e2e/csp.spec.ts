import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { unzipSync, zipSync } from 'fflate';
import { watchViolations } from './cspViolations';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

failOnRequestsLeavingLocalhost();

/** The store fields this spec reads. */
interface StoreView {
  backendChoice: { backend: string; threads?: number } | null;
  modelStatus: string;
  modelConfig: { backbone: string; inputSize?: number } | null;
  modelError: string | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  epochs: unknown[];
}

const field = storeField<StoreView>();

/** Loads the studio on `backend`, checks the policy it was served with, and returns that policy. */
async function open(page: Page, backend: string): Promise<string> {
  const response = (await page.goto(`/?backend=${backend}`))!;
  const header = response.headers()['content-security-policy'];
  expect(header, 'the page is served with a CSP header').toBeTruthy();
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta, 'index.html holds the same policy').toBe(header);
  await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
  expect((await field(page, 'backendChoice'))?.backend).toBe(backend);
  return header;
}

async function trainOneEpoch(page: Page, inputSize: number, batchSize: number) {
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
  await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
  await page.getByRole('combobox', { name: 'Input size' }).selectOption(String(inputSize));
  await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), {
    timeout: 60_000,
  }).toBe(inputSize);
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill(String(batchSize));
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect.poll(() => field(page, 'trainState'), { timeout: 150_000 }).toMatch(/^(done|failed)$/);
  expect(await field(page, 'trainMessage')).toBeNull();
  expect(await field(page, 'trainState')).toBe('done');
}

test('CSP: header and meta; wasm training and the 3D landmarks run without a violation; eval, inline script and other origins are blocked', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  const violations = watchViolations(page);
  const workerScripts: { url: string; csp: string | undefined }[] = [];
  context.on('response', (r) => {
    if (/\.worker-[\w-]+\.js$/.test(new URL(r.url()).pathname)) workerScripts.push({ url: r.url(), csp: r.headers()['content-security-policy'] });
  });

  let policy = '';
  await test.step('the page is served with the policy, as a header and in index.html', async () => {
    policy = await open(page, 'wasm');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
    expect(policy).not.toContain("'unsafe-eval'");
    // Outside origins: exactly the Hugging Face hub's (its resolve URLs and the storage they redirect to), for
    // "Get ImageNet weights"; the e2e build adds 127.0.0.1, where weights.spec serves its "other URL".
    expect(policy).toMatch(/connect-src 'self' blob: data: https:\/\/huggingface\.co https:\/\/\*\.hf\.co( http:\/\/127\.0\.0\.1:\*)?;/);
    // Threaded wasm: its pthread workers start from blob: URLs, which the policy has to allow.
    expect((await field(page, 'backendChoice'))?.threads).toBeGreaterThan(1);
  });

  await test.step('train the cats-dogs sample 1 epoch at 64² on wasm', async () => {
    await trainOneEpoch(page, 64, 8);
  });

  await test.step('the Landmarks 3D view plots a sample face (Plotly gl3d)', async () => {
    const section = page.getByRole('region', { name: 'Landmarks' });
    await section.getByRole('button', { name: 'Face 1' }).click();
    await expect(section.getByTestId('landmarks-status')).toHaveText('found 1 face', { timeout: 90_000 });
    await expect
      .poll(() => page.getByTestId('landmarks-plot').evaluate((el) => (el as unknown as { data?: { x: unknown[] }[] }).data?.[0]?.x.length ?? 0), {
        timeout: 60_000,
      })
      .toBe(468);
    await expect(page.getByTestId('landmarks-plot').locator('canvas').first()).toBeVisible();
  });

  await test.step('no violation so far; every worker script carries the policy too', async () => {
    expect(violations).toEqual([]);
    expect(workerScripts.length).toBeGreaterThan(0);
    for (const w of workerScripts) expect(w.csp, w.url).toBe(policy);
  });

  await test.step('eval, an injected inline script and a request to another origin are blocked', async () => {
    // Code that page.evaluate runs directly may eval (DevTools' allowUnsafeEvalBlockedByCSP): try it from a task.
    const codeFromStrings = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) =>
          setTimeout(() => {
            const attempt = (f: () => unknown) => {
              try {
                f();
                return 'ran';
              } catch {
                return 'blocked';
              }
            };
            // The string timer would set it if it ran; by then the 200 ms timer below has read it.
            setTimeout('window.__timerRan = true', 0);
            setTimeout(
              () =>
                resolve([
                  attempt(() => eval('1')),
                  attempt(() => new Function('return 1')()),
                  (window as unknown as { __timerRan?: boolean }).__timerRan ? 'ran' : 'blocked',
                ]),
              200,
            );
          }),
        ),
    );
    expect(codeFromStrings, 'eval, new Function, setTimeout(string)').toEqual(['blocked', 'blocked', 'blocked']);
    const inline = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan ? 'ran' : 'blocked';
    });
    expect(inline).toBe('blocked');
    // localhost on another port is another origin: not in connect-src (only the e2e build's 127.0.0.1:* is).
    expect(await page.evaluate(() => fetch('http://localhost:9/x').then(() => 'fetched', () => 'blocked'))).toBe('blocked');
    // Any other outside origin, even one that looks like the hub's, is refused before a request is made.
    for (const url of ['https://example.org/x', 'https://huggingface.co.example.org/x', 'http://huggingface.co/x']) {
      expect(await page.evaluate((u) => fetch(u).then(() => 'fetched', () => 'blocked'), url), url).toBe('blocked');
    }
    // The page's listener saw each of them: it would have seen a violation during the journey too.
    await expect.poll(() => violations.filter((v) => v.startsWith('page:')).length).toBeGreaterThanOrEqual(8);
    const directives = violations.filter((v) => v.startsWith('page:')).map((v) => v.split(' ')[1]);
    expect(directives).toEqual(expect.arrayContaining(['script-src', 'script-src-elem', 'connect-src']));
  });

  await test.step('Fetch ImageNet weights from an origin the build does not allow: a message that says why', async () => {
    await page.getByRole('combobox', { name: 'Backbone' }).selectOption('resnet18');
    await expect.poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.backbone : null), {
      timeout: 90_000,
    }).toBe('resnet18');
    await page.getByText('other URL').click();
    await page.getByRole('textbox', { name: 'URL of a torchvision .safetensors file' }).fill('http://localhost:9/model.safetensors');
    await page.getByRole('button', { name: 'Fetch weights' }).click();
    await expect.poll(() => field(page, 'modelError')).toMatch(/^http:\/\/localhost:9 is not allowed by this build's Content-Security-Policy \(connect-src\)/);
  });
});

test('CSP: training on WebGPU runs without a violation', async ({ page }) => {
  test.setTimeout(180_000);
  const violations = watchViolations(page);
  await open(page, 'webgpu');
  await trainOneEpoch(page, 32, 16);
  expect(violations).toEqual([]);
});

test('zip file names are shown as text, never parsed as HTML', async ({ page }) => {
  const violations = watchViolations(page);
  // The cats-dogs sample plus a real image and a corrupt one whose names are markup.
  const sample = unzipSync(new Uint8Array(await readFile(new URL('../public/samples/cats-dogs.zip', import.meta.url))));
  const dog = Object.keys(sample).find((p) => p.startsWith('train/dogs/') && p.endsWith('.jpg'))!;
  const good = 'train/dogs/<img src=x onerror="window.__xss=1">.jpg';
  const bad = 'train/cats/<img src=x onerror="window.__xss=2"> broken.jpg';
  const zip = zipSync({ ...sample, [good]: sample[dog], [bad]: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) });

  await page.goto('/');
  await page.getByTestId('zip-input').setInputFiles({ name: 'names.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');

  await test.step('the corrupt file is listed under Problems by its literal name', async () => {
    await expect(page.getByTestId('problem').filter({ hasText: bad })).toHaveCount(1);
  });

  await test.step('the real one is in the grid under its literal name', async () => {
    const thumb = page.locator('[data-testid=thumb]').filter({ has: page.locator(`svg[aria-label^='${good.slice(good.lastIndexOf('/') + 1)}']`) });
    // The grid is virtualized: scroll down a screen at a time until the thumbnail is drawn.
    const grid = page.getByTestId('thumbnail-grid');
    for (let i = 0; i < 50 && (await thumb.count()) === 0; i++) {
      await grid.evaluate((el) => el.scrollBy(0, el.clientHeight / 2));
      await page.waitForTimeout(100);
    }
    await expect(thumb).toHaveCount(1);
    await expect(thumb).toHaveAttribute('data-path', good);
    await expect(thumb).toHaveAttribute('title', good);
  });

  await test.step('no element came from the names, nothing ran, nothing was blocked', async () => {
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(violations).toEqual([]);
  });
});
