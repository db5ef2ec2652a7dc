import * as tf from '@tensorflow/tfjs';
import type { ImageDecoder } from '../data';
import { normalize } from '../data';
import type { Preprocessing } from '../models';
import type { Prediction, Task, TaskContext } from '../tasks/types';
import { imageOptionsFor } from './batches';

export interface PredictOptions {
  /** Square input side; the model's own input size by default. */
  inputSize?: number;
  /** The backbone's normalization; read from the model's name (`backbone+preset`) by default. */
  preprocessing?: Preprocessing;
}

/**
 * One image file → the task's prediction, in pixels of the original (oriented) image: decoded and stretched
 * to the input size as in training, normalized, predicted in inference mode, `Task.decode`d.
 */
export async function predictImage(
  model: tf.LayersModel,
  task: Task,
  ctx: TaskContext,
  bytes: Uint8Array,
  decoder: ImageDecoder,
  options: PredictOptions = {},
): Promise<Prediction> {
  const { inputSize: s, preprocessing } = imageOptionsFor(model, { decoder, ...options });
  const image = await decoder(bytes, { width: s, height: s });
  const outputs = tf.tidy(() => {
    const x = normalize(tf.tensor4d(Float32Array.from(image.data), [1, s, s, 3]), preprocessing);
    const y = model.predict(x);
    return Array.isArray(y) ? y : [y];
  });
  const values = await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  return task.decode(
    values.map((v) => Array.from(v)),
    { width: image.sourceWidth, height: image.sourceHeight },
    ctx,
  );
}
