import { describeRecipe, formatEvaluation, meanShapeNme, medianAgeMae, trainWithDefaults } from './lib/trainWithDefaults';
import type { Row } from './ingest.bench';

/**
 * One row per task: the default recipe (what `train --data ZIP` runs with no other flag) on its shared zip, wasm
 * in Node: wall time (scan to test scoring), the val figure it was chosen on, the test figure (scored once per
 * run, never tuned on), the trivial baseline, and issue 13's target. age-gender.zip has no test split.
 */
const TASKS = [
  { zip: 'cats-dogs.zip', target: 'test accuracy ≥ 0.96', baseline: () => 'majority 0.500' },
  { zip: 'facial-keypoints.zip', target: 'test NME ≤ 0.11', baseline: (o: Awaited<ReturnType<typeof trainWithDefaults>>) => `mean face ${meanShapeNme(o.splits.train, o.splits.test).toFixed(3)}` },
  { zip: 'age-gender.zip', target: 'val age MAE ≤ 8.0, gender ≥ 0.88', baseline: (o: Awaited<ReturnType<typeof trainWithDefaults>>) => `median age ${medianAgeMae(o.splits.train, o.splits.val).toFixed(2)} y` },
];

export async function run(): Promise<Row[]> {
  const { useBackend } = await import('../src/cli/node/nodeBackends');
  await useBackend('wasm');
  const rows: Row[] = [];
  for (const t of TASKS) {
    const o = await trainWithDefaults(t.zip);
    rows.push({
      zip: t.zip,
      recipe: describeRecipe(o.config),
      's (cache)': `${o.seconds.toFixed(0)} (${(o.fit.cache?.seconds ?? 0).toFixed(0)})`,
      val: formatEvaluation(o.fit.best),
      test: formatEvaluation(o.test),
      baseline: t.baseline(o),
      target: t.target,
      note: `${o.pretrained ? '' : 'NOT pretrained; '}${o.leakedTensors ? `${o.leakedTensors} tensors leaked` : ''}`,
    });
  }
  return rows;
}
