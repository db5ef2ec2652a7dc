import { shuffled } from './random';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order each epoch (train); keep it (val, test). */
  shuffle: boolean;
  /** Base seed; epoch e shuffles with seed + e, so a run is repeatable and epochs differ. */
  seed: number;
  /** Drop the last, smaller batch, so every step has the same shape (stable GPU memory). */
  dropLast: boolean;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = { batchSize: 32, shuffle: true, seed: 42, dropLast: true };

/** The item indices of each batch of one epoch. */
export function batchIndices(count: number, epoch: number, options: Partial<BatchOptions> = {}): number[][] {
  const { batchSize, shuffle, seed, dropLast } = { ...DEFAULT_BATCH_OPTIONS, ...options };
  if (!(batchSize >= 1)) throw new Error(`batch size must be at least 1, got ${batchSize}`);
  const order = Array.from({ length: count }, (_, i) => i);
  const ordered = shuffle ? shuffled(order, seed + epoch) : order;
  const batches: number[][] = [];
  for (let i = 0; i < count; i += batchSize) {
    const batch = ordered.slice(i, i + batchSize);
    if (batch.length === batchSize || !dropLast) batches.push(batch);
  }
  return batches;
}
