/**
 * WebGPU binds each tensor as one storage buffer, and a device binds at most `maxStorageBufferBindingSize`
 * bytes (128 MiB by default): VGG16's first conv output at 224² is 12.8 MB an image, so a batch of 32 cannot
 * even be bound. The batch size is lowered to what the largest per-image tensor allows.
 */
import type * as tf from '@tensorflow/tfjs';
import { deviceLimits } from '../backend/deviceLoss';

/** float32: every activation the studio makes. */
const BYTES_PER_VALUE = 4;

/** The layer whose output is the largest for one image, and that size in bytes. */
export function largestActivation(model: tf.LayersModel): { layer: string; bytes: number } {
  let largest = { layer: model.inputs[0].name, bytes: 0 };
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    for (const shape of shapes) {
      const bytes = shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), BYTES_PER_VALUE);
      if (bytes > largest.bytes) largest = { layer: layer.name, bytes };
    }
  }
  return largest;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The batch size to train with on a device that binds at most `maxBindingBytes` per buffer: `requested`, or
 * less when its largest tensor would not fit (with a notice saying why); at least 1.
 */
export function fitBatchSize(model: tf.LayersModel, requested: number, maxBindingBytes: number): { batchSize: number; notice?: string } {
  const { layer, bytes } = largestActivation(model);
  const limit = Math.max(1, Math.floor(maxBindingBytes / bytes));
  if (requested <= limit) return { batchSize: requested };
  return {
    batchSize: limit,
    notice:
      `Batch size ${requested} → ${limit}: ${layer} makes ${mb(bytes)} per image and this GPU binds at most ` +
      `${mb(maxBindingBytes)} per buffer (maxStorageBufferBindingSize).`,
  };
}

/** `fitBatchSize` against the active backend's device: `requested` unchanged off WebGPU. */
export function fitBatchSizeToDevice(model: tf.LayersModel, requested: number): { batchSize: number; notice?: string } {
  const limits = deviceLimits();
  return limits ? fitBatchSize(model, requested, limits.maxStorageBufferBindingSize) : { batchSize: requested };
}
