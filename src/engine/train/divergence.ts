// No tfjs in this module: the page imports DIVERGED, and tfjs stays in the workers (weightNorm is in weightNorm.ts).

/**
 * Divergence: when a run has blown up, `fit` stops it (state 'failed', this error's message) and leaves the model
 * holding its best epoch's weights.
 *
 * A run has diverged when a loss read back (train or val) is NaN or ±Infinity, or when the trainable weights'
 * global L2 norm is not finite or has grown past `WEIGHT_GROWTH` times its start (at least 1). The weight check
 * is there because a non-finite loss is not what a too-high learning rate usually gives: the heads end in
 * Sigmoid/Softmax and BCE clips probabilities to [1e-7, 1 − 1e-7], so at lr 1e3 Adam moves every weight by ~1e3
 * per step and the loss saturates at −log(1e-7) ≈ 16.1 (batches of only confidently wrong answers) or ~1e-7,
 * finite but meaningless; clipping even turns NaN probabilities into a bound (seen on wasm: NaN weights, BCE
 * 16.1); and WGSL does not promise NaN semantics, so on WebGPU a NaN can come back clipped.
 * The norm is one scalar read with the losses. A sane run moves the norm by a fraction; Adam at lr 1 moves each
 * weight by ~1 per step (~40× a 512-weight head's start), at lr 1e3 by ~1e3 (~4·10⁴×): 10³× tells them apart.
 * A loss-ratio test (loss ≫ the first one) would miss the bounded losses and adds nothing over the weights.
 */
export const WEIGHT_GROWTH = 1e3;

/** `TrainingDiverged`'s `name`, which survives the worker boundary (`instanceof` does not). */
export const DIVERGED = 'TrainingDiverged';

/** Why a run stopped on its own: the loss or the weights blew up. */
export class TrainingDiverged extends Error {
  constructor(
    /** Fractional epoch of the read-back that showed it (as Report positions). */
    readonly pos: number,
    /** What blew up, as text: 'the loss became NaN', 'the weights grew 4.1e4×'. */
    readonly what: string,
    readonly learningRate: number,
  ) {
    super(`Training diverged at epoch ${pos.toFixed(2)}: ${what}. Try a lower learning rate (now ${learningRate}).`);
    this.name = DIVERGED;
  }
}

/** What is wrong with a read-back loss, or undefined when it is finite. */
export function badLoss(key: string, value: number): string | undefined {
  if (Number.isFinite(value)) return undefined;
  return `the ${key === 'trn_loss' || key === 'val_loss' ? 'loss' : key} became ${value}`;
}

/** What is wrong with the weights' norm (`start`: its value when the run began), or undefined. */
export function badWeights(norm: number, start: number): string | undefined {
  if (!Number.isFinite(norm)) return `the weights became ${norm}`;
  const growth = norm / Math.max(start, 1);
  return growth > WEIGHT_GROWTH ? `the weights grew ${growth.toPrecision(2)}× their starting size` : undefined;
}
