import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import type { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { onnxProto } from '../src/engine/export/onnx/proto';
import { watchViolations } from './cspViolations';
import { failOnRequestsLeavingLocalhost } from './offline';
import { storeField } from './store';

failOnRequestsLeavingLocalhost();

/** The store fields this spec reads. */
interface StoreView {
  modelStatus: string;
  modelConfig: { backbone: string; inputSize?: number } | null;
  datasetStatus: string;
  trainState: string;
  trainMessage: string | null;
  trunk: { engine: string; label: string; why: string } | null;
}

const field = storeField<StoreView>();

/** Small enough to train in seconds: the cats-dogs sample at 32², one epoch. */
const SIZE = 32;

async function trainSample(page: Page, trunkEngine: 'auto' | 'tfjs' | 'onnx'): Promise<void> {
  await page.getByRole('group', { name: 'Try a sample' }).getByRole('button', { name: 'Cats vs dogs' }).click();
  await expect.poll(() => field(page, 'datasetStatus'), { timeout: 60_000 }).toBe('ready');
  await page.getByRole('combobox', { name: 'Input size' }).selectOption(String(SIZE));
  await expect
    .poll(async () => ((await field(page, 'modelStatus')) === 'ready' ? (await field(page, 'modelConfig'))?.inputSize : null), { timeout: 60_000 })
    .toBe(SIZE);
  await page.getByRole('spinbutton', { name: 'Batch size' }).fill('16');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await page.getByRole('combobox', { name: 'Trunk engine' }).selectOption(trunkEngine);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect.poll(() => field(page, 'trainState'), { timeout: 120_000 }).toMatch(/^(done|failed|stopped)$/);
  expect(await field(page, 'trainMessage')).toBeNull();
  expect(await field(page, 'trainState')).toBe('done');
}

test('the ONNX trunk: onnxruntime-web fills the feature cache in the trainer worker, from our origin, under the CSP; then Download as ONNX', async ({ page, context }) => {
  test.setTimeout(180_000);
  const violations = watchViolations(page);
  const ortFiles: string[] = [];
  context.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/ort-wasm/') && r.ok()) ortFiles.push(new URL(r.url()).pathname);
  });
  await page.goto('/?backend=wasm');
  await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
  await trainSample(page, 'onnx');

  await test.step('the run line names onnxruntime-web, with as many threads as the cross-origin isolated page has cores', async () => {
    const { cores, isolated } = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated }));
    expect(isolated).toBe(true);
    const trunk = await field(page, 'trunk');
    expect(trunk).toMatchObject({ engine: 'onnx', why: 'onnx chosen' });
    expect(trunk!.label).toBe(`onnxruntime-web 1.30.0 (wasm, simd, ${cores} thread${cores === 1 ? '' : 's'})`);
    await expect(page.getByTestId('train-trunk')).toHaveText(`trunk: ${trunk!.label} (onnx chosen)`);
    // Its glue module and binary came from the app's own origin.
    expect([...new Set(ortFiles)].sort()).toEqual(['/ort-wasm/ort-wasm-simd-threaded.mjs', '/ort-wasm/ort-wasm-simd-threaded.wasm']);
  });

  await test.step('Download as ONNX: its bytes parse as an ONNX ModelProto: opset 13, input [batch, 3, 32, 32], one output [batch, 1]', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as ONNX' }).click()]);
    expect(download.suggestedFilename()).toBe('mobilenet_v3-classification.onnx');
    const bytes = new Uint8Array(await readFile((await download.path())!));
    const model = onnxProto.ModelProto.decode(bytes);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    const dims = (v: onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    const graph = model.graph!;
    expect(graph.input!.map((v) => v.name)).toEqual(['input']);
    expect(dims(graph.input![0])).toEqual(['batch', 3, SIZE, SIZE]);
    expect(graph.output!.map(dims)).toEqual([['batch', 1]]);
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({ task: 'classification', input_size: String(SIZE), classes: JSON.stringify(['cats', 'dogs']) });
    expect(JSON.parse(meta['transfer-studio'])).toMatchObject({ layout: 'NCHW', channels: 'RGB', model: { backbone: 'mobilenet_v3' } });

    // onnxruntime-node runs it: a batch of 2 gives two probabilities.
    const session = await ort.InferenceSession.create(bytes);
    try {
      const input = new ort.Tensor('float32', new Float32Array(2 * 3 * SIZE * SIZE).fill(128), [2, 3, SIZE, SIZE]);
      const out = (await session.run({ input }))[session.outputNames[0]];
      expect(out.dims).toEqual([2, 1]);
      for (const p of out.data as Float32Array) expect(p >= 0 && p <= 1).toBe(true);
    } finally {
      await session.release();
    }
  });

  expect(violations).toEqual([]);
});

test('the ONNX trunk falls back to tfjs, saying why in one line, when onnxruntime-web cannot start', async ({ page }) => {
  test.setTimeout(150_000);
  // The binary is gone (a build without it, a proxy that drops it): the run still trains, on tfjs.
  await page.route('**/ort-wasm/ort-wasm-simd-threaded.wasm', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto('/?backend=wasm');
  await expect.poll(() => field(page, 'modelStatus'), { timeout: 90_000 }).toBe('ready');
  await trainSample(page, 'onnx');
  const trunk = await field(page, 'trunk');
  expect(trunk).toMatchObject({ engine: 'tfjs', label: 'tfjs wasm' });
  expect(trunk!.why).toMatch(/^onnxruntime-web did not start: no available backend found\. ERR: \[wasm\] .*CompileError/);
  await expect(page.getByTestId('train-trunk')).toHaveText(`trunk: tfjs wasm (${trunk!.why})`);
});
