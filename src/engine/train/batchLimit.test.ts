import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { deviceLimits } from '../backend';
import { buildModel } from '../models';
import { fitBatchSize, fitBatchSizeToDevice, largestActivation } from './batchLimit';

/** WebGPU's default limit, and SwiftShader's. */
const DEFAULT_BINDING = 134_217_728;

describe('batch size from the adapter\'s limits', () => {
  afterAll(() => tf.disposeVariables());

  it('keeps VGG16 at 224² under maxStorageBufferBindingSize', async () => {
    await useBackend('cpu');
    const model = buildModel({ backbone: 'vgg16', preset: 'binary', inputSize: 224, weights: 'random' });
    const largest = largestActivation(model);
    model.dispose();
    // features.0's output: 224 × 224 × 64 float32 values an image.
    expect(largest.bytes).toBe(224 * 224 * 64 * 4);
    expect(largest.layer).toMatch(/^features\.[01]$/);

    const fitted = fitBatchSize(model, 32, DEFAULT_BINDING);
    expect(fitted.batchSize).toBe(10);
    expect(fitted.batchSize * largest.bytes).toBeLessThanOrEqual(DEFAULT_BINDING);
    expect((fitted.batchSize + 1) * largest.bytes).toBeGreaterThan(DEFAULT_BINDING);
    expect(fitted.notice).toMatch(/^Batch size 32 → 10: features\.[01] makes 12\.8 MB per image and this GPU binds at most 134\.2 MB/);
    expect(fitBatchSize(model, 8, DEFAULT_BINDING)).toEqual({ batchSize: 8 });
    expect(fitBatchSize(model, 32, 1000).batchSize).toBe(1);
  });

  it('reads the limit from the WebGPU device (Dawn in Node), and nothing off WebGPU', async () => {
    await useBackend('cpu');
    const model = buildModel({ backbone: 'vgg16', preset: 'binary', inputSize: 224, weights: 'random' });
    expect(deviceLimits()).toBeUndefined();
    expect(fitBatchSizeToDevice(model, 32)).toEqual({ batchSize: 32 });
    await useBackend('webgpu');
    const limits = deviceLimits();
    const onDevice = fitBatchSizeToDevice(model, 32);
    await useBackend('cpu');
    model.dispose();
    expect(onDevice).toEqual(fitBatchSize(model, 32, limits!.maxStorageBufferBindingSize));
    expect(limits?.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(DEFAULT_BINDING);
    expect(limits?.maxBufferSize).toBeGreaterThanOrEqual(limits!.maxStorageBufferBindingSize);
  });
});
