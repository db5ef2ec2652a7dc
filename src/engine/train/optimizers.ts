import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from './types';

/** torch's `optim.Adam(params, lr)` / `optim.SGD(params, lr)` (tfjs's epsilon for Adam: its backend's). */
export const OPTIMIZERS: Record<OptimizerName, (learningRate: number) => tf.Optimizer> = {
  adam: (lr) => tf.train.adam(lr),
  sgd: (lr) => tf.train.sgd(lr),
};

/** Changes the learning rate of an optimizer made by `OPTIMIZERS`, between steps. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  // SGD keeps the rate in a scalar it must rebuild; Adam reads the field on every step.
  if (o.setLearningRate) o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}
