import { AGE_SCALE, targetsOf } from '../data';
import { PRESET_OUTPUTS } from '../models';
import { itemOutputs } from './rowOf';
import type { Evaluation, MetricAccumulator, Prediction, Task, TaskContext } from './types';

/** The book's total loss: 1 · L1(age) + 1 · BCE(gender). */
export const AGE_GENDER_LOSS_WEIGHTS: Readonly<Record<'age' | 'gender', number>> = { age: 1, gender: 1 };

/** The book's reading of the gender sigmoid: below 0.5 Male, else Female (DatasetItem.gender: 1 = Female). */
const genderOf = (pFemale: number): 0 | 1 => (pFemale < 0.5 ? 0 : 1);

function accumulator(): MetricAccumulator {
  let n = 0;
  let absYears = 0;
  let genderRight = 0;
  return {
    add(outputs, items) {
      items.forEach((item, i) => {
        const [[age], [pFemale]] = itemOutputs(outputs, items.length, i);
        absYears += Math.abs(age * AGE_SCALE - item.age!);
        genderRight += genderOf(pFemale) === item.gender ? 1 : 0;
        n += 1;
      });
    },
    result(): Evaluation {
      return { n, metrics: { ageMae: absYears / n, genderAccuracy: genderRight / n } };
    },
  };
}

/** The book's age + gender: a shared trunk, `age` (sigmoid × 80 years, L1) and `gender` (sigmoid, BCE). */
export const ageGender: Task = {
  name: 'age-gender',
  preset: () => 'age-gender',
  datasetTask: () => 'age-gender',
  outputs: () => [...PRESET_OUTPUTS['age-gender']],
  losses: (ctx: TaskContext) => {
    const weights = { ...AGE_GENDER_LOSS_WEIGHTS, ...ctx.lossWeights };
    return [
      { loss: 'l1', weight: weights.age },
      { loss: 'bce', weight: weights.gender },
    ];
  },
  targets: (items) => targetsOf(items, 'age-gender'),
  metrics: accumulator,
  // Age is the harder half (gender accuracy saturates early), so it picks the best epoch.
  primaryMetric: { name: 'ageMae', higherIsBetter: false },
  decode(outputs): Prediction {
    const pFemale = outputs[1][0];
    return { task: 'age-gender', age: outputs[0][0] * AGE_SCALE, gender: genderOf(pFemale) ? 'Female' : 'Male', pFemale };
  },
  /**
   * Age error as a fraction of the 80-year scale plus 1 − p(true gender): both in 0..1, so a confidently wrong
   * gender weighs as much as missing the age by 80 years, and the gallery ranks by both heads, not by one.
   */
  itemError: (outputs, item) =>
    Math.abs(outputs[0][0] * AGE_SCALE - item.age!) / AGE_SCALE + Math.abs(item.gender! - outputs[1][0]),
};
