import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { mulberry32 } from '../src/engine/data/random';

/**
 * A 20,000-image cats-vs-dogs zip in cats-dogs.zip's layout (ImageFolder: `<split>/<class>/<image>.jpg`), built
 * from the 400 real photos of the shared cats-dogs.zip: each copy is a random crop (88–100 % of each side), maybe
 * mirrored, with brightness ×0.85–1.15 and saturation ×0.9–1.1, resized to at most SIDE px and re-encoded as a
 * JPEG, so every file is a distinct image. Seeded: the same LARGE_VERSION gives the same bytes.
 *
 *   train/{cats,dogs}/  8,000 each, from the 300 train photos
 *   val/{cats,dogs}/    1,000 each, from the 100 test photos (no train photo behind any val or test image)
 *   test/{cats,dogs}/   1,000 each, from the 100 test photos
 *
 * Built once into os.tmpdir() (27.5 MB, ~40 s on 2 cores) and reused while LARGE_VERSION is the same.
 */
const SHARED = new URL('../../shared/datasets/cats-dogs.zip', import.meta.url).pathname;
const CLASSES = ['cats', 'dogs'] as const;

export const LARGE_VERSION = 'v1';
export const LARGE_SPLITS = { train: 8_000, val: 1_000, test: 1_000 } as const;
export const LARGE_IMAGES = Object.values(LARGE_SPLITS).reduce((sum, perClass) => sum + perClass * CLASSES.length, 0);
/** Fixed entry time, so the same LARGE_VERSION gives the same bytes. */
const MTIME = new Date('2026-01-01T00:00:00Z');
/** Longest side of every generated image, in px. */
export const LARGE_SIDE = 64;

/** Runs `fn` over `items` with at most `limit` at once (the machine has 2 cores). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

interface Base {
  data: Buffer;
  width: number;
  height: number;
  name: string;
}

/** One source photo decoded once and shrunk to about twice SIDE (raw RGB), so each copy is cheap to make. */
async function base(bytes: Uint8Array, name: string): Promise<Base> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize({ width: LARGE_SIDE * 2, height: LARGE_SIDE * 2, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, name };
}

/** One copy of `b`: crop, maybe mirror, colour jitter, resize, JPEG. */
async function variant(b: Base, seed: number): Promise<Uint8Array> {
  const r = mulberry32(seed);
  const w = Math.max(8, Math.round(b.width * (0.88 + 0.12 * r())));
  const h = Math.max(8, Math.round(b.height * (0.88 + 0.12 * r())));
  const left = Math.floor(r() * (b.width - w + 1));
  const top = Math.floor(r() * (b.height - h + 1));
  let img = sharp(b.data, { raw: { width: b.width, height: b.height, channels: 3 } }).extract({ left, top, width: w, height: h });
  if (r() < 0.5) img = img.flop();
  const out = await img
    .modulate({ brightness: 0.85 + 0.3 * r(), saturation: 0.9 + 0.2 * r() })
    .resize({ width: LARGE_SIDE, height: LARGE_SIDE, fit: 'inside' })
    .jpeg({ quality: 80 })
    .toBuffer();
  return new Uint8Array(out);
}

/** Path of the large zip, building it first when this VERSION's zip is not there yet. */
export async function largeZip(): Promise<{ file: string; bytes: number; images: number; built: boolean; seconds: number }> {
  const dir = path.join(tmpdir(), 'transfer-studio-e2e');
  const file = path.join(dir, `cats-dogs-20k-${LARGE_VERSION}.zip`);
  if (existsSync(file)) return { file, bytes: (await stat(file)).size, images: LARGE_IMAGES, built: false, seconds: 0 };

  const t0 = Date.now();
  sharp.concurrency(1);
  sharp.cache(false);
  const shared = unzipSync(new Uint8Array(await readFile(SHARED)));
  const sources = (split: string, cls: string) =>
    Object.keys(shared)
      .filter((p) => p.startsWith(`${split}/${cls}/`) && p.endsWith('.jpg'))
      .sort();

  // Every image to make: [path in the zip, source photo, seed].
  const jobs: { path: string; source: string; seed: number }[] = [];
  for (const [split, perClass] of Object.entries(LARGE_SPLITS)) {
    for (const cls of CLASSES) {
      const from = sources(split === 'train' ? 'train' : 'test', cls);
      for (let k = 0; k < perClass; k++) {
        const source = from[k % from.length];
        const stem = source.slice(source.lastIndexOf('/') + 1, -'.jpg'.length);
        jobs.push({ path: `${split}/${cls}/${stem}.${split}${k}.jpg`, source, seed: jobs.length + 1 });
      }
    }
  }

  const names = [...new Set(jobs.map((j) => j.source))];
  const bases = new Map((await pool(names, 2, (n) => base(shared[n], n))).map((b) => [b.name, b]));
  const made = await pool(jobs, 2, (j) => variant(bases.get(j.source)!, j.seed));
  const entries: Zippable = {};
  jobs.forEach((j, i) => (entries[j.path] = [made[i], { level: 0, mtime: MTIME }]));
  const zip = zipSync(entries, { level: 0 });

  await mkdir(dir, { recursive: true });
  const partial = `${file}.${process.pid}.part`;
  await writeFile(partial, zip);
  await rename(partial, file);
  return { file, bytes: zip.byteLength, images: jobs.length, built: true, seconds: (Date.now() - t0) / 1000 };
}
