import { splitRole } from './labels';
import { shuffled } from './random';
import type { DatasetIndex, DatasetItem } from './types';

export interface SplitOptions {
  /** Seed of the 80/20 split made when the zip has no validation split. */
  seed: number;
  /** Share of train moved to validation when the zip has none. */
  valFraction: number;
}

export const DEFAULT_SPLIT_OPTIONS: SplitOptions = { seed: 42, valFraction: 0.2 };

/** Items by the role they play in training. */
export interface DatasetSplits {
  train: DatasetItem[];
  val: DatasetItem[];
  test: DatasetItem[];
  /** Where val came from: the zip's own split, or a seeded share of train. */
  valFrom: 'zip' | 'train';
}

/**
 * The zip's own splits by role (`training` → train, `valid` → val…); without a validation split, a seeded
 * share of train (per class, so both keep the class balance) becomes val. Splits named otherwise count as train.
 */
export function splitDataset(index: DatasetIndex, options: Partial<SplitOptions> = {}): DatasetSplits {
  const { seed, valFraction } = { ...DEFAULT_SPLIT_OPTIONS, ...options };
  const by = { train: [] as DatasetItem[], val: [] as DatasetItem[], test: [] as DatasetItem[] };
  for (const item of index.items) by[splitRole(item.split) ?? 'train'].push(item);
  if (by.val.length > 0) return { ...by, valFrom: 'zip' };

  const groups = new Map<number | string, DatasetItem[]>();
  for (const item of by.train) {
    const key = item.label ?? item.gender ?? '';
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const train: DatasetItem[] = [];
  const val: DatasetItem[] = [];
  for (const [, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const mixed = shuffled(group, seed);
    const cut = Math.round(mixed.length * valFraction);
    val.push(...mixed.slice(0, cut));
    train.push(...mixed.slice(cut));
  }
  const byPath = (a: DatasetItem, b: DatasetItem) => (a.path < b.path ? -1 : 1);
  return { train: train.sort(byPath), val: val.sort(byPath), test: by.test, valFrom: 'train' };
}
