import * as tf from '@tensorflow/tfjs';
import type { Task, TaskContext } from '../tasks/types';
import { isExternalModel, type ScoringModel } from './externalModel';

/** Test-time augmentation: `none`, or `flip` (the mean of the image's outputs and its mirror's, mirrored back). */
export const TTA_NAMES = ['none', 'flip'] as const;
export type TtaName = (typeof TTA_NAMES)[number];

/**
 * The model's outputs on a batch, one [n, width] tensor per output, in inference mode. With `flip`, each image
 * is also predicted mirrored (NHWC: the width axis) and the task turns that prediction back into the image's
 * own terms (`Task.unflip`) before the two are averaged. Call inside a tidy.
 */
export function predictOutputs(
  model: tf.LayersModel,
  inputs: tf.Tensor[],
  options: { task: Task; ctx: TaskContext; tta?: TtaName },
): tf.Tensor[] {
  const run = (x: tf.Tensor | tf.Tensor[]) => {
    const y = model.predict(x, { batchSize: (Array.isArray(x) ? x[0] : x).shape[0] });
    return Array.isArray(y) ? y : [y];
  };
  const plain = run(inputs.length === 1 ? inputs[0] : inputs);
  if ((options.tta ?? 'none') === 'none') return plain;
  if (inputs.length !== 1 || inputs[0].rank !== 4) throw new Error('flip test-time augmentation needs the model to take images (one [n, h, w, 3] input)');
  const mirrored = run(tf.reverse(inputs[0], 2));
  const back = options.task.unflip ? options.task.unflip(mirrored, options.ctx) : mirrored;
  return plain.map((p, i) => p.add(back[i]).div(2));
}

/** `predictOutputs` for any ScoringModel; an ExternalModel runs asynchronously. The caller owns the outputs. */
export async function scoreOutputs(
  model: ScoringModel,
  inputs: tf.Tensor[],
  options: { task: Task; ctx: TaskContext; tta?: TtaName },
): Promise<tf.Tensor[]> {
  if (!isExternalModel(model)) return tf.tidy(() => predictOutputs(model, inputs, options));
  if (inputs.length !== 1 || inputs[0].rank !== 4) throw new Error(`${model.name}: takes one image input, [n, h, w, 3]`);
  const plain = await model.predict(inputs[0] as tf.Tensor4D);
  if ((options.tta ?? 'none') === 'none') return plain;
  const flipped = tf.reverse(inputs[0], 2) as tf.Tensor4D;
  const mirrored = await model.predict(flipped);
  flipped.dispose();
  const averaged = tf.tidy(() => {
    const back = options.task.unflip ? options.task.unflip(mirrored, options.ctx) : mirrored;
    return plain.map((p, i) => p.add(back[i]).div(2));
  });
  tf.dispose([...plain, ...mirrored]);
  return averaged;
}
