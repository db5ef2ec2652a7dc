import * as tf from '@tensorflow/tfjs';

/** A copy of the weights training can change, to put back later. */
export interface WeightsCopy {
  restore(): void;
  dispose(): void;
}

/**
 * Copies every weight of the model's trainable layers, trainable BatchNorm's running statistics included;
 * frozen layers never change, so they are not copied. The copies are tensors the caller frees with `dispose`.
 */
export function bestWeights(model: tf.LayersModel): WeightsCopy {
  const copies = model.layers
    .filter((layer) => layer.trainable && layer.weights.length > 0)
    .map((layer) => ({ layer, values: layer.weights.map((w) => tf.clone(w.read())) }));
  return {
    restore: () => copies.forEach(({ layer, values }) => layer.setWeights(values)),
    dispose: () => copies.forEach(({ values }) => tf.dispose(values)),
  };
}
