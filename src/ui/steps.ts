/** The studio's steps, in the order a newcomer takes them: the rail's buttons and the URL hash (`#train`). */
export const STEPS = [
  { name: 'data', title: 'Data' },
  { name: 'model', title: 'Model' },
  { name: 'train', title: 'Train' },
  { name: 'results', title: 'Results' },
  { name: 'landmarks', title: 'Landmarks' },
] as const;
export type StepName = (typeof STEPS)[number]['name'];

/** The step a URL hash names (`#results`), or null for none or an unknown one. */
export function stepFromHash(hash: string): StepName | null {
  const name = hash.replace(/^#/, '');
  return STEPS.find((s) => s.name === name)?.name ?? null;
}

/** The element id of a step's section. */
export const stepId = (step: StepName) => `step-${step}`;
