import * as tf from '@tensorflow/tfjs';
import type { BatchNormalization as TfBatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization';
import type { BatchNormalizationLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/normalization';

// tfjs does not export the class itself, only its factory.
const Base = tf.layers.batchNormalization({}).constructor as typeof TfBatchNormalization;

/**
 * BatchNormalization with Keras 2 semantics for frozen layers: when `trainable` is false the layer runs in
 * inference mode even inside a training step (moving statistics used, never updated). tfjs's own layer
 * follows the `training` flag alone, so a frozen BatchNorm would still drift.
 * It keeps the class name `BatchNormalization`, so saved models stay standard tfjs/Keras files.
 */
export class BatchNorm extends Base {
  static override className = 'BatchNormalization';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return super.call(inputs, { ...kwargs, training: Boolean(kwargs['training']) && this.trainable });
  }
}
tf.serialization.registerClass(BatchNorm);

/** PyTorch's BatchNorm2d defaults: eps 1e-5, momentum 0.1 (tfjs counts momentum the other way: 0.9). */
export function torchBatchNorm(name: string, args: Partial<BatchNormalizationLayerArgs> = {}): BatchNorm {
  return new BatchNorm({ name, epsilon: 1e-5, momentum: 0.9, ...args });
}
