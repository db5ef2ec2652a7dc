import { targetsOf } from '../data';
import { PRESET_OUTPUTS } from '../models';
import { itemOutputs } from './rowOf';
import type { Evaluation, MetricAccumulator, Prediction, Task, TaskContext } from './types';

/** Class names of the context; a classification task cannot do without them. */
function classesOf(ctx: TaskContext): string[] {
  if (!ctx.classes || ctx.classes.length < 2) {
    throw new Error(`classification needs at least 2 class names in the task context, got ${ctx.classes?.length ?? 0}`);
  }
  return ctx.classes;
}

const isBinary = (ctx: TaskContext) => classesOf(ctx).length === 2;

/** Probability of every class: the binary head's one sigmoid is p(classes[1]). */
function classProbs(outputs: number[][], ctx: TaskContext): number[] {
  const row = outputs[0];
  return isBinary(ctx) ? [1 - row[0], row[0]] : row;
}

/** Index of the largest value; ties go to the first, as the book's `p > 0.5` does for two classes. */
function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

function accumulator(ctx: TaskContext): MetricAccumulator {
  const classes = classesOf(ctx);
  const confusion = classes.map(() => classes.map(() => 0));
  return {
    add(outputs, items) {
      items.forEach((item, i) => {
        const predicted = argmax(classProbs(itemOutputs(outputs, items.length, i), ctx));
        confusion[item.label!][predicted] += 1;
      });
    },
    result(): Evaluation {
      const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
      const n = rowSums.reduce((a, b) => a + b, 0);
      const correct = confusion.reduce((sum, row, c) => sum + row[c], 0);
      // A class without items has no accuracy; it is left out rather than reported as 0.
      const perClassAccuracy = Object.fromEntries(
        classes.flatMap((name, c) => (rowSums[c] > 0 ? [[name, confusion[c][c] / rowSums[c]]] : [])),
      );
      return { n, metrics: { accuracy: correct / n }, confusion: confusion.map((row) => [...row]), perClassAccuracy };
    },
  };
}

/** Image folders: two classes → one sigmoid and BCE (the book's cats vs dogs); more → softmax and cross-entropy. */
export const classification: Task = {
  name: 'classification',
  preset: (ctx) => (isBinary(ctx) ? 'binary' : 'multiclass'),
  datasetTask: (ctx) => (isBinary(ctx) ? 'binary' : 'multiclass'),
  outputs: (ctx) => [...PRESET_OUTPUTS[classification.preset(ctx)]],
  losses: (ctx) => [{ loss: isBinary(ctx) ? 'bce' : 'categoricalCrossEntropy', ...(ctx.classWeights && { classWeights: ctx.classWeights }) }],
  targets: (items, ctx) => targetsOf(items, classification.datasetTask(ctx), classesOf(ctx).length),
  metrics: accumulator,
  primaryMetric: { name: 'accuracy', higherIsBetter: true },
  decode(outputs, _size, ctx): Prediction {
    const probs = classProbs(outputs, ctx);
    return { task: 'classification', classes: classesOf(ctx), probs, label: argmax(probs) };
  },
  itemError: (outputs, item, ctx) => 1 - classProbs(outputs, ctx)[item.label!],
};
