import * as tf from '@tensorflow/tfjs';

/** Loss names, shared by presets, tasks, the trainer and the charts. */
export const LOSS_NAMES = ['bce', 'l1', 'categoricalCrossEntropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

const EPS = 1e-7;

/** torch `nn.BCELoss` on probabilities (the book's heads end in Sigmoid). */
export function bce(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = yPred.clipByValue(EPS, 1 - EPS);
    return yTrue.mul(p.log()).add(tf.scalar(1).sub(yTrue).mul(tf.scalar(1).sub(p).log())).mean().neg() as tf.Scalar;
  });
}

/** torch `nn.L1Loss`: mean absolute error. */
export function l1(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => yTrue.sub(yPred).abs().mean() as tf.Scalar);
}

/**
 * Cross-entropy on probabilities (the multiclass head ends in Softmax) with one-hot targets: the mean over rows
 * of −Σ y·log p. Equals torch `nn.CrossEntropyLoss` on the logits, up to the clipping.
 */
export function categoricalCrossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = yPred.clipByValue(EPS, 1 - EPS);
    return yTrue.mul(p.log()).sum(-1).mean().neg() as tf.Scalar;
  });
}

export const LOSSES: Record<LossName, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar> = {
  bce,
  l1,
  categoricalCrossEntropy,
};
