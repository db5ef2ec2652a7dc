import type { EpochSummary } from './runView';

/** The epoch whose weights the run keeps: the last one that was the best so far (none before a validated epoch). */
export function keptEpoch(epochs: EpochSummary[]): EpochSummary | undefined {
  return [...epochs].reverse().find((e) => e.best);
}

/** Why that epoch: "kept: epoch 3, best val_loss 0.210 — the weights Predict uses". */
export function keptText(kept: EpochSummary): string {
  const by = kept.keptBy;
  // Projects saved before the metric was sent say only which epoch.
  if (!by) return `kept: epoch ${kept.epoch} — the weights Predict uses`;
  const heads = by.metric === 'val_loss' && Object.keys(kept.averages).some((k) => /^trn_.+_loss$/.test(k));
  const value = by.value === undefined ? '–' : by.value.toFixed(3);
  return `kept: epoch ${kept.epoch}, best ${by.metric} ${value}${heads ? ' (the weighted total over the heads)' : ''} — the weights Predict uses`;
}
