import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backboneSpec, buildModel, encodeSafetensors } from '../engine/models';
import { prepareWeights } from '../../scripts/prepare-weights';
import { fetchCause, loadWeightsOption } from './weightsOption';

describe('loadWeightsOption', () => {
  // A state dict with one key: enough to see the plumbing; the import itself is tested in the engine.
  const dict = new Uint8Array(encodeSafetensors({ 'conv1.weight': { shape: [64, 3, 7, 7], values: new Float32Array(64 * 147).fill(0.5) } }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weights-option-'));
  const file = path.join(dir, 'resnet18-part.safetensors');
  const server = createServer((req, res) => {
    if (req.url === '/w.safetensors') res.end(dict);
    else res.writeHead(404).end();
  });
  let base = '';

  beforeAll(async () => {
    await tf.setBackend('cpu');
    writeFileSync(file, dict);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await prepareWeights({ only: ['mobilenet_v3'] });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loads the bundled weights by default and says where from; random init on request', async () => {
    const model = buildModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64 });
    const spec = backboneSpec('mobilenet_v3');
    expect(await loadWeightsOption(model, spec)).toEqual({ pretrained: true, source: expect.stringMatching(/^@vladmandic\/human \d/) });
    expect(await loadWeightsOption(model, spec, 'random')).toEqual({ pretrained: false, source: null });
    model.dispose();
  });

  it('imports a .safetensors from a file or a URL, listing what it lacked; refuses pretrained where none is bundled', async () => {
    const model = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    const spec = backboneSpec('resnet18');
    expect(await loadWeightsOption(model, spec)).toEqual({ pretrained: false, source: null });
    await expect(loadWeightsOption(model, spec, 'pretrained')).rejects.toThrow(/resnet18 has no bundled weights; pass --weights/);
    const fromFile = await loadWeightsOption(model, spec, file);
    expect(fromFile.source).toBe('resnet18-part.safetensors');
    expect(fromFile.missing).toContain('fc.weight');
    expect(model.getLayer('conv1').getWeights()[0].dataSync()[0]).toBe(0.5);
    expect((await loadWeightsOption(model, spec, `${base}/w.safetensors`)).source).toBe('w.safetensors');
    await expect(loadWeightsOption(model, spec, `${base}/nope.safetensors`)).rejects.toThrow(/answered 404/);
    await expect(loadWeightsOption(model, spec, path.join(dir, 'absent.safetensors'))).rejects.toThrow(/no such file/);
    model.dispose();
  });

  it('names the URL and the cause when nothing listens there, not only "fetch failed"', async () => {
    // A loopback port that was free a moment ago: nothing listens there, the connection is refused.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/w.safetensors`;
    const model = buildModel({ backbone: 'resnet18', preset: 'original', inputSize: 32 });
    await expect(loadWeightsOption(model, backboneSpec('resnet18'), url)).rejects.toThrow(
      `--weights ${url}: could not fetch it: connection refused, nothing listens at that address and port (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    model.dispose();
    // DNS, as Node's fetch wraps it (built here: the test reaches nothing beyond loopback).
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND weights.invalid'), { code: 'ENOTFOUND' });
    expect(fetchCause(new TypeError('fetch failed', { cause: dns }))).toBe(
      'the host name does not resolve (DNS) (getaddrinfo ENOTFOUND weights.invalid)',
    );
  });
});
