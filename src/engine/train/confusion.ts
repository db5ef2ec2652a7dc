/** Reading a confusion matrix and an interpreted split by cell (no tfjs: the page uses these). */
import type { InterpretedItem } from './interpret';

/** One off-diagonal cell of a confusion matrix. */
export interface ConfusedPair {
  truth: string;
  predicted: string;
  count: number;
}

/** The confusion matrix's mistakes, most frequent first (fastai's `most_confused`); cells under `min` left out. */
export function mostConfused(confusion: number[][], classes: string[], min = 1): ConfusedPair[] {
  return confusion
    .flatMap((row, t) => row.map((count, p) => ({ truth: classes[t], predicted: classes[p], count, diagonal: t === p })))
    .filter((c) => !c.diagonal && c.count >= min)
    .sort((a, b) => b.count - a.count)
    .map(({ truth, predicted, count }) => ({ truth, predicted, count }));
}

/** The items of one confusion-matrix cell (true class index `truth`, predicted `predicted`), worst first. */
export function confusionCell(items: InterpretedItem[], truth: number, predicted: number): InterpretedItem[] {
  return items.filter((i) => i.item.label === truth && i.prediction.task === 'classification' && i.prediction.label === predicted);
}
