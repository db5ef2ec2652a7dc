import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backboneSpec, buildModel, encodeSafetensors, IMAGENET_SOURCES } from '../engine/models';
import { WEIGHTS_BASE_ENV, weightsCacheDir } from './imagenetWeights';
import { loadWeightsOption } from './weightsOption';

const BIN = path.resolve(__dirname, '../../bin/transfer-studio.mjs');
const RESNET18_PATH = `/${IMAGENET_SOURCES.resnet18!.path}`;

describe('--weights imagenet', () => {
  // torchvision names, as timm's resnet18.tv_in1k has them: conv1 with distinct values (so a layout slip shows),
  // one BatchNorm buffer, and a tensor no model has (reported, not an error).
  const conv1 = Float32Array.from({ length: 64 * 3 * 7 * 7 }, (_, i) => i / 1e4);
  const dict = new Uint8Array(
    encodeSafetensors({
      'conv1.weight': { shape: [64, 3, 7, 7], values: conv1 },
      'bn1.running_var': { shape: [64], values: new Float32Array(64).fill(2) },
      'bn1.num_batches_tracked': { shape: [], values: new Float32Array([1]) },
      'unused.tensor': { shape: [2], values: new Float32Array(2) },
    }),
  );
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === RESNET18_PATH) res.end(dict);
    else res.writeHead(404, 'Not Found').end();
  });
  const saved = { cache: process.env.XDG_CACHE_HOME, base: process.env[WEIGHTS_BASE_ENV] };
  let base = '';

  beforeAll(async () => {
    await tf.setBackend('cpu');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    requests.length = 0;
    for (const [name, value] of [['XDG_CACHE_HOME', saved.cache], [WEIGHTS_BASE_ENV, saved.base]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const freshCache = () => (process.env.XDG_CACHE_HOME = mkdtempSync(path.join(os.tmpdir(), 'weights-cache-')));

  it('downloads the file once into the cache folder, imports it, and uses the cached file the second time', async () => {
    const cache = freshCache();
    process.env[WEIGHTS_BASE_ENV] = base;
    const spec = backboneSpec('resnet18');
    const model = buildModel({ backbone: 'resnet18', preset: 'binary', inputSize: 32 });

    const first = await loadWeightsOption(model, spec, 'imagenet');
    expect(requests).toEqual([RESNET18_PATH]);
    expect(first).toMatchObject({ pretrained: true, source: 'timm/resnet18.tv_in1k — ResNet-18 (ImageNet-1k, torchvision)', unexpected: ['unused.tensor'] });
    expect(first.missing).toContain('layer4.1.conv2.weight');
    expect(readdirSync(path.join(cache, 'transfer-studio', 'weights'))).toEqual(['resnet18.tv_in1k.safetensors']);
    // torch [o, i, h, w] = [7, 1, 2, 5] is tfjs [h, w, i, o] = [2, 5, 1, 7].
    const kernel = () => (model.getLayer('conv1').getWeights()[0].arraySync() as number[][][][])[2][5][1][7];
    expect(kernel()).toBe(conv1[((7 * 3 + 1) * 7 + 2) * 7 + 5]);

    const zeros = tf.zeros([7, 7, 3, 64]);
    model.getLayer('conv1').setWeights([zeros]);
    zeros.dispose();
    expect(kernel()).toBe(0);
    await loadWeightsOption(model, spec, 'imagenet');
    expect(requests).toEqual([RESNET18_PATH]);
    expect(kernel()).toBe(conv1[((7 * 3 + 1) * 7 + 2) * 7 + 5]);
    model.dispose();
  });

  it('says what failed and what to do when the hub cannot be reached, leaving nothing half-written', async () => {
    const cache = freshCache();
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    process.env[WEIGHTS_BASE_ENV] = `http://127.0.0.1:${port}/`;
    const model = buildModel({ backbone: 'resnet34', preset: 'binary', inputSize: 32 });
    await expect(loadWeightsOption(model, backboneSpec('resnet34'), 'imagenet')).rejects.toThrow(
      `could not download http://127.0.0.1:${port}/timm/resnet34.tv_in1k/resolve/main/model.safetensors: ` +
        `connection refused, nothing listens at that address and port (connect ECONNREFUSED 127.0.0.1:${port}); ` +
        'download it yourself and pass --weights FILE',
    );
    process.env[WEIGHTS_BASE_ENV] = base; // serves resnet18 only
    await expect(loadWeightsOption(model, backboneSpec('resnet34'), 'imagenet')).rejects.toThrow(/answered 404 Not Found; download it yourself/);
    expect(readdirSync(weightsCacheDir({ XDG_CACHE_HOME: cache }))).toEqual([]);
    model.dispose();
  });

  it('refuses a backbone with no ImageNet source, saying why', async () => {
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64 });
    await expect(loadWeightsOption(model, backboneSpec('mobilenet_v3'), 'imagenet')).rejects.toThrow(
      '--weights imagenet: mobilenet_v3 has none (its pretrained weights are bundled and load by default)',
    );
    model.dispose();
  });

  it('the CLI shows download progress on stderr, then reads the cache', async () => {
    const cache = freshCache();
    const run = () =>
      promisify(execFile)(process.execPath, [BIN, 'summary', '--backbone', 'resnet18', '--input-size', '32', '--weights', 'imagenet', '--json'], {
        env: { ...process.env, XDG_CACHE_HOME: cache, [WEIGHTS_BASE_ENV]: base },
      });
    const first = await run();
    expect(first.stderr).toContain(`downloading resnet18.tv_in1k (${(dict.byteLength / 1e6).toFixed(1)} MB) from ${base}${RESNET18_PATH}`);
    expect(first.stderr).toContain(`saved in ${path.join(cache, 'transfer-studio', 'weights', 'resnet18.tv_in1k.safetensors')}`);
    expect(JSON.parse(first.stdout)).toMatchObject({ pretrained: true, source: expect.stringMatching(/^timm\/resnet18\.tv_in1k/) });
    const second = await run();
    expect(second.stderr).toBe('');
    expect(requests).toEqual([RESNET18_PATH]);
    expect(existsSync(path.join(cache, 'transfer-studio', 'weights', 'resnet18.tv_in1k.safetensors.part'))).toBe(false);
  });
});
