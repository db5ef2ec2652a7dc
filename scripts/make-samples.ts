/**
 * Writes the three sample zips of `public/samples/` (the studio's "Try a sample" buttons): seeded, balanced
 * subsets of the shared datasets, each well under 3 MB, in the same layout as the full zip. CSV lines are
 * copied byte for byte. Run: `npx tsx scripts/make-samples.ts [../shared/datasets]`.
 */
import { zipSync, type Zippable } from 'fflate';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDataset } from '../src/cli/node/openDataset';
import { scanDataset, shuffled, type DatasetItem } from '../src/engine/data';

const SEED = 7;
const MAX_BYTES = 3 * 1024 * 1024;
const source = path.resolve(process.argv[2] ?? new URL('../../shared/datasets', import.meta.url).pathname);
const target = new URL('../public/samples/', import.meta.url).pathname;

/** How many images of each (split, group) go in, per dataset; group = class or gender. */
const PLAN: Record<string, { perGroup: Record<string, number>; group: (i: DatasetItem) => string }> = {
  'cats-dogs': { perGroup: { train: 40, test: 10 }, group: (i) => String(i.label) },
  'facial-keypoints': { perGroup: { training: 60, test: 20 }, group: () => 'all' },
  'age-gender': { perGroup: { train: 40, val: 10 }, group: (i) => String(i.gender) },
};

const utf8 = new TextDecoder();

async function makeSample(name: string): Promise<void> {
  const { archive, close } = await openDataset(path.join(source, `${name}.zip`));
  const { items } = await scanDataset(archive);
  const plan = PLAN[name];
  const chosen: DatasetItem[] = [];
  for (const [split, n] of Object.entries(plan.perGroup)) {
    const groups = new Map<string, DatasetItem[]>();
    for (const item of items.filter((i) => i.split === split)) {
      groups.set(plan.group(item), [...(groups.get(plan.group(item)) ?? []), item]);
    }
    for (const [, group] of [...groups].sort()) chosen.push(...shuffled(group, SEED).slice(0, n));
  }
  const keep = new Set(chosen.map((i) => i.path));
  const files: Zippable = {};
  for (const p of [...keep].sort()) files[p] = [await archive.read(p), { level: 0 }];
  // CSVs: the header and the lines of the images kept, unchanged.
  for (const entry of archive.entries.filter((e) => e.path.endsWith('.csv'))) {
    const lines = utf8.decode(await archive.read(entry.path)).split(/(?<=\n)/);
    const csvDir = entry.path.slice(0, entry.path.lastIndexOf('/') + 1);
    const split = chosen.find((i) => entry.path.includes(i.split))?.split ?? '';
    const kept = lines.filter((line, k) => {
      if (k === 0) return true;
      const file = line.split(',')[0];
      return keep.has(csvDir + file) || keep.has(`${csvDir}${split}/${file}`);
    });
    files[entry.path] = [new TextEncoder().encode(kept.join('')), { level: 9 }];
  }
  await close();
  const zip = zipSync(files, { mtime: new Date('2026-01-01T00:00:00Z') });
  if (zip.length > MAX_BYTES) throw new Error(`${name}.zip is ${zip.length} bytes, over ${MAX_BYTES}`);
  await writeFile(path.join(target, `${name}.zip`), zip);
  process.stdout.write(`${name}.zip: ${keep.size} images, ${(zip.length / 1e6).toFixed(2)} MB\n`);
}

await mkdir(target, { recursive: true });
for (const name of Object.keys(PLAN)) await makeSample(name);
