import { splitRole, type DatasetReport } from '../data';

/** Largest over smallest class count (train images) from which classes count as uneven and the loss is weighted. */
export const UNEVEN_RATIO = 1.5;

/** Train images per class, in `report.classes` order: every split that is not val or test (val is drawn from it). */
export function trainClassCounts(report: DatasetReport): number[] | undefined {
  if (!report.classes) return undefined;
  const counts = report.classes.map(() => 0);
  for (const [name, split] of Object.entries(report.splits)) {
    if ((splitRole(name) ?? 'train') !== 'train' || !split.classes) continue;
    report.classes.forEach((c, i) => (counts[i] += split.classes![c] ?? 0));
  }
  return counts;
}

/**
 * scikit-learn's "balanced" loss weight per class, n / (C · n_c), when the train classes are uneven (largest ≥
 * `UNEVEN_RATIO` × smallest among those with images); undefined when they are even enough. A class with no train
 * images keeps weight 1 (it has no loss to weigh; the dataset report warns about it).
 */
export function classWeightsOf(report: DatasetReport): number[] | undefined {
  const counts = trainClassCounts(report);
  const present = counts?.filter((n) => n > 0) ?? [];
  if (!counts || present.length < 2 || Math.max(...present) < UNEVEN_RATIO * Math.min(...present)) return undefined;
  const total = present.reduce((a, b) => a + b, 0);
  return counts.map((n) => (n > 0 ? total / (present.length * n) : 1));
}
