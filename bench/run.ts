// `npm run bench`: every bench/*.bench.ts in one run, printed as tables of ratios (never asserted in tests).
import type { Row } from './ingest.bench';

const BENCHES: Record<string, () => Promise<{ run(): Promise<Row[]> }>> = {
  model: () => import('./model.bench'),
  ingest: () => import('./ingest.bench'),
  throughput: () => import('./throughput.bench'),
  train: () => import('./train.bench'),
  landmarks: () => import('./landmarks.bench'),
  mainThread: () => import('./mainThread.bench'),
  recipes: () => import('./recipes.bench'),
  pretrainedFaces: () => import('./pretrainedFaces.bench'),
  trunkWeb: () => import('./trunkWeb.bench'),
  trunk: () => import('./trunk.bench'),
};

const only = process.argv.slice(2);
for (const [name, load] of Object.entries(BENCHES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n## ${name}`);
  const rows = await (await load()).run();
  console.table(rows);
}
process.exit(0);
