import * as tf from '@tensorflow/tfjs';
import { LOSSES, type LossName } from './losses';

/** One output's loss and its weight in the total (the book's age + gender sum uses 1 and 1). */
export interface OutputLoss {
  loss: LossName;
  weight?: number;
}

/** The variables the optimizer may change: trainable weights of trainable layers only. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * One optimizer step over the model's trainable variables (not tfjs's `fit`, so multi-output losses, loss
 * weights and per-module freezing behave the same). Returns the total loss; the caller disposes it.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor | tf.Tensor[],
  targets: tf.Tensor[],
  losses: OutputLoss[],
): tf.Scalar {
  const vars = trainableVariables(model);
  if (vars.length === 0) throw new Error(`${model.name} has nothing to train: every module is frozen`);
  const total = optimizer.minimize(
    () => {
      const out = model.apply(x, { training: true });
      const preds = Array.isArray(out) ? out : [out];
      return preds
        .map((p, i) => LOSSES[losses[i].loss](targets[i], p as tf.Tensor).mul(losses[i].weight ?? 1))
        .reduce((a, b) => a.add(b)) as tf.Scalar;
    },
    true,
    vars,
  );
  return total!;
}
