import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { failOnRequestsLeavingLocalhost, serveOffline } from './offline';

failOnRequestsLeavingLocalhost();

/** The studio's store, as the e2e build exposes it; only the fields this journey reads. */
interface StoreView {
  modelStatus: string;
  modelError: string | null;
  modelConfig: { backbone: string; preset: string } | null;
  modelView: { weights: { pretrained: boolean; source: string | null; missing?: string[] } } | null;
  weightsFetchedFrom: 'network' | 'cache' | null;
}

const state = (page: Page) =>
  page.evaluate(() => (window as unknown as { __store: { getState(): StoreView } }).__store.getState());

async function waitForModel(page: Page) {
  await expect.poll(async () => (await state(page)).modelStatus, { timeout: 90_000 }).toBe('ready');
}

/** torchvision resnet18's state dict: every key and shape, values constant per tensor (F32, little-endian). */
function resnet18StateDict(): Buffer {
  const tensors: [string, number[]][] = [['conv1.weight', [64, 3, 7, 7]]];
  const bn = (p: string, c: number) =>
    (['weight', 'bias', 'running_mean', 'running_var'] as const).forEach((k) => tensors.push([`${p}.${k}`, [c]]));
  bn('bn1', 64);
  let inC = 64;
  [64, 128, 256, 512].forEach((c, stage) => {
    for (let b = 0; b < 2; b++) {
      const p = `layer${stage + 1}.${b}`;
      tensors.push([`${p}.conv1.weight`, [c, b === 0 ? inC : c, 3, 3]]);
      bn(`${p}.bn1`, c);
      tensors.push([`${p}.conv2.weight`, [c, c, 3, 3]]);
      bn(`${p}.bn2`, c);
      if (b === 0 && stage > 0) {
        tensors.push([`${p}.downsample.0.weight`, [c, inC, 1, 1]]);
        bn(`${p}.downsample.1`, c);
      }
    }
    inC = c;
  });
  tensors.push(['fc.weight', [1000, 512]], ['fc.bias', [1000]]);
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  out.write(json, 8, 'utf8');
  new Float32Array(out.buffer, out.byteOffset + 8 + json.length, offset / 4).fill(0.01);
  return out;
}

/**
 * Where the studio fetches resnet18's ImageNet weights (IMAGENET_SOURCES). The real hub redirects it to its
 * storage (*.hf.co, allowed by the CSP, see csp.spec); the test answers it directly, as Playwright does not route
 * the request a fulfilled redirect leads to.
 */
const HUB_URL = 'https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors';

let file: Buffer;
let server: Server;
let base = '';
let requests = 0;

test.beforeAll(async () => {
  file = resnet18StateDict();
  server = createServer((req, res) => {
    if (req.url !== '/resnet18.tv_in1k/model.safetensors') return void res.writeHead(404).end();
    requests++;
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(file.byteLength),
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('pretrained badge, Get ImageNet weights in one click (then from IndexedDB), other URL, drop a .safetensors', async ({ page }) => {
  const badge = page.getByTestId('weights-badge');
  const getImagenet = page.getByRole('button', { name: 'Get ImageNet weights (47 MB)' });

  // The hub, answered by the test once `release` is called, so the download's progress can be seen first.
  const hub: string[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await serveOffline(page, HUB_URL, async (route) => {
    hub.push(route.request().url());
    await released;
    await route.fulfill({ status: 200, contentType: 'application/octet-stream', headers: { 'Access-Control-Allow-Origin': '*' }, body: file });
  });

  await test.step('the default MobileNetV3 loads its bundled weights', async () => {
    await page.goto('/?backend=cpu');
    await waitForModel(page);
    await expect(badge).toHaveText(/^pretrained — @vladmandic\/human \d+\.\d+\.\d+ — CenterNet MobileNetV3/);
    await expect(getImagenet).toHaveCount(0);
  });

  await test.step('ResNet18 has no bundled weights: said plainly, with the one-click button', async () => {
    await page.getByRole('combobox', { name: 'Backbone' }).selectOption('resnet18');
    await expect.poll(async () => (await state(page)).modelConfig?.backbone).toBe('resnet18');
    await waitForModel(page);
    await expect(badge).toHaveText("random weights — the book's recipes need ImageNet weights");
    await expect(getImagenet).toBeEnabled();
  });

  const imported = 'pretrained — timm/resnet18.tv_in1k — ResNet-18 (ImageNet-1k, torchvision)';
  await test.step('Get ImageNet weights: the hub URL, progress in MB, imported', async () => {
    await getImagenet.click();
    await expect(page.getByTestId('weights-progress')).toHaveText(/^loading weights 0\.0 MB/);
    release();
    // The store's error, if any, is what a failure should show.
    await expect.poll(async () => (await state(page)).modelError ?? (await badge.textContent()), { timeout: 60_000 }).toBe(imported);
    expect((await state(page)).weightsFetchedFrom).toBe('network');
    expect(hub).toEqual([HUB_URL]);
    await expect(getImagenet).toHaveCount(0);
  });

  await test.step('a second time comes from IndexedDB, without a request', async () => {
    await page.getByRole('combobox', { name: 'Preset' }).selectOption('keypoints');
    await waitForModel(page);
    await expect(badge).toHaveText("random weights — the book's recipes need ImageNet weights");
    await getImagenet.click();
    await expect(badge).toHaveText(imported, { timeout: 60_000 });
    expect((await state(page)).weightsFetchedFrom).toBe('cache');
    expect(hub).toHaveLength(1);
  });

  const url = `${base}/resnet18.tv_in1k/model.safetensors`;
  await test.step('other URL: fetched from that URL once, then from IndexedDB', async () => {
    await page.getByText('other URL').click();
    await page.getByRole('textbox', { name: 'URL of a torchvision .safetensors file' }).fill(url);
    await page.getByRole('button', { name: 'Fetch weights' }).click();
    await expect(badge).toHaveText('pretrained — resnet18.tv_in1k/model.safetensors', { timeout: 60_000 });
    expect((await state(page)).weightsFetchedFrom).toBe('network');
    await page.getByRole('button', { name: 'Fetch weights' }).click();
    await expect.poll(async () => (await state(page)).weightsFetchedFrom, { timeout: 60_000 }).toBe('cache');
    expect(requests).toBe(1);
  });
  await test.step('drop a .safetensors holding only conv1 on the tree: imported, the rest listed as missing', async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const header = JSON.stringify({ 'conv1.weight': { dtype: 'F32', shape: [64, 3, 7, 7], data_offsets: [0, 64 * 147 * 4] } });
      const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
      const bytes = new Uint8Array(8 + padded.length + 64 * 147 * 4);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(padded.length), true);
      bytes.set(new TextEncoder().encode(padded), 8);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'conv1-only.safetensors'));
      return dt;
    });
    await page.getByTestId('tree-panel').dispatchEvent('dragover', { dataTransfer });
    await page.getByTestId('tree-panel').dispatchEvent('drop', { dataTransfer });
    await expect(badge).toHaveText(/^pretrained — conv1-only\.safetensors \(\d+ weights missing from the file\)$/);
    const weights = (await state(page)).modelView!.weights;
    expect(weights.missing).toContain('layer4.1.bn2.running_var');
  });
});
