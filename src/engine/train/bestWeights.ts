import * as tf from '@tensorflow/tfjs';

/** A copy of the weights training can change, to put back later. */
export interface WeightsCopy {
  restore(): void;
  dispose(): void;
  /** The copied values by layer name, in the layer's weight order (read, not owned, by the caller). */
  entries(): { layer: string; values: tf.Tensor[] }[];
}

function copyOf(copies: { layer: tf.layers.Layer; values: tf.Tensor[] }[]): WeightsCopy {
  return {
    restore: () => copies.forEach(({ layer, values }) => layer.setWeights(values)),
    dispose: () => copies.forEach(({ values }) => tf.dispose(values)),
    entries: () => copies.map(({ layer, values }) => ({ layer: layer.name, values })),
  };
}

/**
 * Copies every weight of the model's trainable layers, trainable BatchNorm's running statistics included;
 * frozen layers never change, so they are not copied. The copies are tensors the caller frees with `dispose`.
 */
export function bestWeights(model: tf.LayersModel): WeightsCopy {
  return copyOf(
    model.layers
      .filter((layer) => layer.trainable && layer.weights.length > 0)
      .map((layer) => ({ layer, values: layer.weights.map((w) => tf.clone(w.read())) })),
  );
}

/** A copy made from values read elsewhere (a checkpoint): `values(layer)` gives that layer's, in order. */
export function weightsCopyFrom(model: tf.LayersModel, values: (layer: tf.layers.Layer) => tf.Tensor[]): WeightsCopy {
  return copyOf(model.layers.filter((layer) => layer.trainable && layer.weights.length > 0).map((layer) => ({ layer, values: values(layer) })));
}
