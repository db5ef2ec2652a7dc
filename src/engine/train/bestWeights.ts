import * as tf from '@tensorflow/tfjs';

/** A copy of the weights training can change, to put back later. */
export interface WeightsCopy {
  restore(): void;
  dispose(): void;
  /** The copied values by layer name, in the layer's weight order (read, not owned, by the caller). */
  entries(): { layer: string; values: tf.Tensor[] }[];
}

/**
 * The layers whose weights training changes, trainable BatchNorm's running statistics included; frozen layers
 * never change.
 */
export function trainingLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.trainable && layer.weights.length > 0);
}

/**
 * A copy of every weight of the layers that train, `values(layer)` giving each layer's (default: clones of its
 * current weights). The copies are tensors the caller frees with `dispose`.
 */
export function bestWeights(model: tf.LayersModel, values = (layer: tf.layers.Layer) => layer.weights.map((w) => tf.clone(w.read()))): WeightsCopy {
  const copies = trainingLayers(model).map((layer) => ({ layer, values: values(layer) }));
  return {
    restore: () => copies.forEach(({ layer, values }) => layer.setWeights(values)),
    dispose: () => copies.forEach(({ values }) => tf.dispose(values)),
    entries: () => copies.map(({ layer, values }) => ({ layer: layer.name, values })),
  };
}
