/**
 * Learning-rate schedules: the rate of each step as a multiple of `TrainConfig.learningRate`, a pure function of
 * where the step lies in its phase (t = step / steps, 0 ≤ t < 1), so a resumed run gets the same rates.
 *
 * - `constant`: the rate as given (the default; nothing is scheduled).
 * - `one-cycle`: fastai's `fit_one_cycle` (div 25, div_final 1e5, pct_start 0.25): cosine from lr/25 up to lr over
 *   the first 25% of the steps, then cosine down to lr/1e5.
 * - `cosine`: linear warm-up from lr/25 to lr over the first 10% of the steps, then cosine down to lr/1e5.
 */
export const SCHEDULE_NAMES = ['constant', 'one-cycle', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** Where the warm-up starts (fastai's `div`), where the annealing ends (its `div_final`). */
export const WARMUP_DIV = 25;
export const FINAL_DIV = 1e5;
export const ONE_CYCLE_WARMUP = 0.25;
export const COSINE_WARMUP = 0.1;

/** Each schedule's multiplier of the base rate at t ∈ [0, 1). */
export const SCHEDULES: Record<ScheduleName, (t: number) => number> = {
  constant: () => 1,
  'one-cycle': (t) =>
    t < ONE_CYCLE_WARMUP
      ? cosine(1 / WARMUP_DIV, 1, t / ONE_CYCLE_WARMUP)
      : cosine(1, 1 / FINAL_DIV, (t - ONE_CYCLE_WARMUP) / (1 - ONE_CYCLE_WARMUP)),
  cosine: (t) =>
    t < COSINE_WARMUP
      ? 1 / WARMUP_DIV + (1 - 1 / WARMUP_DIV) * (t / COSINE_WARMUP)
      : cosine(1, 1 / FINAL_DIV, (t - COSINE_WARMUP) / (1 - COSINE_WARMUP)),
};

/** Half a cosine wave from `from` (p = 0) to `to` (p = 1). */
export function cosine(from: number, to: number, p: number): number {
  return to + ((from - to) * (1 + Math.cos(Math.PI * p))) / 2;
}

/** The rate of step `step` of `steps` under `schedule`, for base rate `lr`. */
export function scheduledLr(schedule: ScheduleName, lr: number, step: number, steps: number): number {
  return lr * SCHEDULES[schedule](steps > 0 ? step / steps : 0);
}
