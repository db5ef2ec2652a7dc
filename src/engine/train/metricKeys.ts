/** `{ val_accuracy: … }` from `{ accuracy: … }`: the one place a split's prefix is put on metric names (Report keys, saved metrics, CLI JSON). */
export function prefixMetrics(split: 'val' | 'test', metrics: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics ?? {}).map(([k, v]) => [`${split}_${k}`, v]));
}
