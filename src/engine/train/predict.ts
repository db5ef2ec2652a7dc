import * as tf from '@tensorflow/tfjs';
import type { ImageDecoder } from '../data';
import { normalize } from '../data';
import type { Preprocessing } from '../models';
import type { Prediction, Task, TaskContext } from '../tasks/types';
import { imageOptionsFor } from './batches';
import type { ScoringModel } from './externalModel';
import { scoreOutputs, type TtaName } from './tta';

export interface PredictOptions {
  /** Square input side; the model's own input size by default. */
  inputSize?: number;
  /** The backbone's normalization; read from the model's name (`backbone+preset`) by default. */
  preprocessing?: Preprocessing;
  /** Test-time augmentation (default 'none'). */
  tta?: TtaName;
}

/** One image's raw outputs (one array per model output) and the size of the original (oriented) image. */
export interface ImageOutputs {
  outputs: number[][];
  size: { width: number; height: number };
}

/** One image file → the model's outputs on it, decoded and stretched to the input size as in training, normalized, in inference mode. */
export async function imageOutputs(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  bytes: Uint8Array,
  decoder: ImageDecoder,
  options: PredictOptions = {},
): Promise<ImageOutputs> {
  const { inputSize: s, preprocessing } = imageOptionsFor(model, { decoder, ...options });
  const image = await decoder(bytes, { width: s, height: s });
  const x = tf.tidy(() => normalize(tf.tensor4d(Float32Array.from(image.data), [1, s, s, 3]), preprocessing));
  const outputs = await scoreOutputs(model, [x], { task, ctx, tta: options.tta }).finally(() => x.dispose());
  const values = await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  return { outputs: values.map((v) => Array.from(v)), size: { width: image.sourceWidth, height: image.sourceHeight } };
}

/** One image file → the task's prediction, in pixels of the original (oriented) image (`imageOutputs`, `Task.decode`d). */
export async function predictImage(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  bytes: Uint8Array,
  decoder: ImageDecoder,
  options: PredictOptions = {},
): Promise<Prediction> {
  const { outputs, size } = await imageOutputs(model, task, ctx, bytes, decoder, options);
  return task.decode(outputs, size, ctx);
}
