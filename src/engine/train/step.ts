import * as tf from '@tensorflow/tfjs';
import { classWeightedLoss, LOSSES, type LossName } from './losses';

/** One output's loss and its weight in the total (the book's age + gender sum uses 1 and 1). */
export interface OutputLoss {
  loss: LossName;
  weight?: number;
  /** A weight per class (uneven classes): each row's loss counts by its true class's weight. */
  classWeights?: number[];
}

/** The variables the optimizer may change: trainable weights of trainable layers only. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Each output's loss, unweighted, in output order. Call inside a tidy. */
export function outputLosses(outputs: tf.Tensor[], targets: tf.Tensor[], losses: OutputLoss[]): tf.Scalar[] {
  return outputs.map((p, i) => {
    const { loss, classWeights } = losses[i];
    return classWeights ? classWeightedLoss(loss, targets[i], p, classWeights) : LOSSES[loss](targets[i], p);
  });
}

/** Σ weight·loss, the total the optimizer minimizes. Call inside a tidy. */
export function weightedTotal(parts: tf.Scalar[], losses: OutputLoss[]): tf.Scalar {
  return parts.map((l, i) => l.mul(losses[i].weight ?? 1)).reduce((a, b) => a.add(b)) as tf.Scalar;
}

/**
 * One optimizer step over the model's trainable variables (not tfjs's `fit`, so multi-output losses, loss weights
 * and per-module freezing behave the same). Returns a [1 + outputs] vector (total, then each output's unweighted
 * loss) when the model has several outputs, [1] (total) otherwise. Stays on the device; the caller disposes it.
 * The gradients are computed once (`minimize` → `tf.variableGrads`); a `GroupOptimizer` (fine_tune's
 * discriminative rates) then applies each learning-rate group's with that group's own optimizer.
 */
export function fitStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor[],
  targets: tf.Tensor[],
  losses: OutputLoss[],
): tf.Tensor1D {
  const vars = trainableVariables(model);
  if (vars.length === 0) throw new Error(`${model.name} has nothing to train: every module is frozen`);
  let parts: tf.Scalar[] = [];
  // training: true only matters for Dropout and trainable BatchNorm: frozen BatchNorm ignores it (layers/batchNorm.ts).
  const total = optimizer.minimize(
    () => {
      const out = model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: true }) as tf.Tensor | tf.Tensor[];
      const each = outputLosses(Array.isArray(out) ? out : [out], targets, losses);
      if (each.length > 1) parts = each.map((l) => tf.keep(l));
      return weightedTotal(each, losses);
    },
    true,
    vars,
  )!;
  const row = tf.stack([total, ...parts]) as tf.Tensor1D;
  tf.dispose([total, ...parts]);
  return row;
}
