import type * as tf from '@tensorflow/tfjs';

/**
 * A studio layer that tfjs itself does not know, able to say what it computes with layers every tfjs (and Keras)
 * reads. A saved model.json holds only standard layers, so plain `tf.loadLayersModel` loads it.
 */
export interface HasStandardForm {
  /**
   * Applies standard layers that compute this layer's output to `x` (a tensor of this layer's input shape).
   * The last one is named as this layer, so layers downstream still find it; the standard layers' weights,
   * in order, hold this layer's weights in order, the same values reshaped.
   */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor;
}

export function hasStandardForm(layer: tf.layers.Layer): layer is tf.layers.Layer & HasStandardForm {
  return typeof (layer as Partial<HasStandardForm>).standardForm === 'function';
}
