import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { findTorchPython } from '../src/engine/__tests__/torchPython';
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

test('the ONNX trunk: onnxruntime-web fills the feature cache in the trainer worker, from our origin, under the CSP; then Download as ONNX and Export to PyTorch', async ({ page, context }) => {
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

  await test.step('Export to PyTorch: a zip of the project whose model.py + weights.safetensors, run by Debian\'s PyTorch, give the ONNX file\'s outputs within 1e-4', async () => {
    const [onnxDownload, pytorchDownload] = [
      await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as ONNX' }).click()]).then(([d]) => d),
      await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export to PyTorch' }).click()]).then(([d]) => d),
    ];
    expect(pytorchDownload.suggestedFilename()).toBe('mobilenet_v3-classification-pytorch.zip');
    const files = unzipSync(new Uint8Array(await readFile((await pytorchDownload.path())!)));
    const folder = 'mobilenet_v3-classification-pytorch';
    expect(Object.keys(files).sort()).toEqual(
      ['README.md', 'model.py', 'recipe.json', 'requirements.txt', 'studio.json', 'train.py', 'weights.safetensors'].map((f) => `${folder}/${f}`),
    );
    // train.py's defaults are this run's recipe: the batch and epochs set above.
    expect(JSON.parse(new TextDecoder().decode(files[`${folder}/recipe.json`]))).toMatchObject({ batchSize: 16, epochs: 1 });
    const root = mkdtempSync(path.join(tmpdir(), 'studio-pytorch-'));
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), bytes);
    }
    // The same input for both: raw 0..255 pixels (mobilenet_v3's preprocessing), NCHW, a batch of 2.
    const n = 2 * 3 * SIZE * SIZE;
    const input = Float32Array.from({ length: n }, (_, i) => (i * 37) % 256);
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile((await onnxDownload.path())!)));
    const expected = Array.from((await session.run({ input: new ort.Tensor('float32', input, [2, 3, SIZE, SIZE]) }))[session.outputNames[0]].data as Float32Array);
    await session.release();
    const script = [
      'import importlib.util, json, os, sys, torch',
      'folder = sys.argv[1]',
      'spec = importlib.util.spec_from_file_location("model", os.path.join(folder, "model.py"))',
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      'net = m.load_weights(m.build_model(m.read_studio(folder)), os.path.join(folder, "weights.safetensors")).eval()',
      `x = (torch.arange(${n}, dtype=torch.float64) * 37).remainder(256).float().reshape(2, 3, ${SIZE}, ${SIZE})`,
      'with torch.no_grad(): print(json.dumps(net(x).flatten().tolist()))',
    ].join('\n');
    const run = spawnSync(findTorchPython(), ['-c', script, path.join(root, folder)], { encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).not.toMatch(/Traceback/);
    const got = JSON.parse(run.stdout.trim().split('\n').pop()!) as number[];
    expect(got).toHaveLength(2);
    got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-4));
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
