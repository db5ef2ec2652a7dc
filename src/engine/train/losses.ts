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

/**
 * `loss` with a weight per class, as torch's `weight=` on `CrossEntropyLoss` reduces it: Σ wᵢ·lossᵢ / Σ wᵢ over
 * the rows, wᵢ the weight of row i's true class. Binary targets are [n, 1] (class 1 when y = 1); one-hot [n, C].
 */
export function classWeightedLoss(loss: LossName, yTrue: tf.Tensor, yPred: tf.Tensor, classWeights: number[]): tf.Scalar {
  return tf.tidy(() => {
    const p = yPred.clipByValue(EPS, 1 - EPS);
    const binary = yTrue.shape[yTrue.shape.length - 1] === 1;
    const rowLoss = binary
      ? yTrue.mul(p.log()).add(tf.scalar(1).sub(yTrue).mul(tf.scalar(1).sub(p).log())).mean(-1).neg()
      : loss === 'categoricalCrossEntropy'
        ? yTrue.mul(p.log()).sum(-1).neg()
        : LOSSES[loss](yTrue, yPred);
    if (rowLoss.rank === 0) throw new Error(`class weights need a per-row loss; ${loss} has none`);
    const rowWeight = binary
      ? yTrue.mul(classWeights[1]).add(tf.scalar(1).sub(yTrue).mul(classWeights[0])).squeeze([-1])
      : yTrue.mul(tf.tensor1d(classWeights)).sum(-1);
    return rowLoss.mul(rowWeight).sum().div(rowWeight.sum()) as tf.Scalar;
  });
}
