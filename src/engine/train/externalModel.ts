import type * as tf from '@tensorflow/tfjs';

/**
 * A trained model run outside tfjs (an exported ONNX file on ONNX Runtime), scored by the same `evaluate` and
 * `predictImage` as a LayersModel. Its input size and preprocessing come with it, not from a tfjs graph.
 */
export interface ExternalModel {
  readonly name: string;
  readonly inputSize: number;
  /** One NHWC batch, normalized as the model was trained; one [n, width] tensor per output, in the studio's order, owned by the caller. */
  predict(x: tf.Tensor4D): Promise<tf.Tensor[]>;
}

/** What evaluate and predict score: a tfjs model, or one run elsewhere. */
export type ScoringModel = tf.LayersModel | ExternalModel;

export const isExternalModel = (model: ScoringModel): model is ExternalModel => !('layers' in model);
