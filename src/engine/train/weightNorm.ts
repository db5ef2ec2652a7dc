import * as tf from '@tensorflow/tfjs';

/** The global L2 norm of the model's trainable weights, on the device; the caller disposes it. */
export function weightNorm(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const squares = model.trainableWeights.map((w) => w.read().square().sum());
    // Pairwise adds, not tf.addN: WebGPU's AddN binds one storage buffer per input, and a head with more than 7
    // weight tensors (age-gender has 12) exceeds maxStorageBuffersPerShaderStage (8) — an invalid pipeline that
    // silently poisons the read-back it rides in.
    return squares.reduce((a, b) => a.add(b), tf.scalar(0)).sqrt() as tf.Scalar;
  });
}
