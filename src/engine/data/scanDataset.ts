import type { Archive } from './archive';
import { detectLayout, hasSplitFolders, imageFolderClass, type CsvTable, type Detection } from './detectLayout';
import { GENDER_NAMES, humanAge, parseAge, parseGender, parseUtkName, splitInName, splitRole } from './labels';
import { parseCsv } from './parseCsv';
import { isImagePath, probeWithinLimit } from './probeImage';
import {
  DEFAULT_LIMITS,
  type DatasetIndex,
  type DatasetItem,
  type DatasetLimits,
  type DatasetReport,
  type ImageDecoder,
  type LayoutName,
  type Problem,
  type SplitReport,
} from './types';

export interface ScanOptions {
  /** Decodes every image once to prove it is readable (sharp in Node, createImageBitmap in the browser). */
  decoder?: ImageDecoder;
  /** Read the zip as this layout instead of the detected one (the user's answer when detection is ambiguous). */
  layout?: LayoutName;
  limits?: Partial<DatasetLimits>;
  /** Called as images are checked. */
  onProgress?: (progress: ScanProgress) => void;
  /** Images read and decoded at once. */
  concurrency?: number;
}

export interface ScanProgress {
  done: number;
  total: number;
}

/** How far outside the image (share of its longer side) a keypoint may lie and still be moved to its edge. */
const OUTSIDE_TOLERANCE = 0.1;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Side of the square an image is decoded to when only checking that it decodes. */
const VERIFY_SIZE = 16;

/** A labelled image before its bytes were checked. */
interface Candidate {
  path: string;
  split: string;
  className?: string;
  values?: number[];
  age?: number;
  gender?: 0 | 1;
  row?: number;
}

/** An item while its class name is not yet an index. */
type LabelledItem = DatasetItem & { className?: string };

/** Files nobody means as data: macOS resource forks, dot files, Windows thumbnails. */
const JUNK = /(^|\/)(__MACOSX\/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)/i;

/**
 * Reads an archive into a dataset: detects its layout, reads the labels, checks every image's header (and,
 * with a decoder, its pixels) and reports every problem as one line. Bad items are skipped; the rest is kept.
 * Never throws for bad input.
 */
export async function scanDataset(archive: Archive, options: ScanOptions = {}): Promise<DatasetIndex> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const problems: Problem[] = [...archive.problems];
  let skipped = archive.problems.filter((p) => p.file !== archive.name && !p.kept).length;
  /** An item left out. */
  const skip = (file: string, reason: string, row?: number) => {
    skipped++;
    problems.push(row === undefined ? { file, reason } : { file, row, reason });
  };
  /** A problem with a folder or the whole archive, not with one item. */
  const note = (file: string, reason: string) => void problems.push({ file, reason });
  const warn = (file: string, reason: string) => void problems.push({ file, reason, kept: true });

  // 1. What the archive holds.
  const dirs: string[] = [];
  const images: string[] = [];
  const csvPaths: string[] = [];
  let ignored = 0;
  for (const { path } of archive.entries) {
    if (path.endsWith('/')) dirs.push(path);
    else if (JUNK.test(path)) ignored++;
    else if (isImagePath(path)) images.push(path);
    else if (/\.csv$/i.test(path)) csvPaths.push(path);
    else ignored++;
  }
  images.sort();

  // 2. One extra top-level folder (`cats-dogs/train/cats/…`) is looked through.
  const root = commonRoot([...images, ...csvPaths]);
  const rel = (path: string) => path.slice(root.length);

  // 3. CSV tables, then the layout.
  const tables: CsvTable[] = [];
  for (const path of csvPaths) {
    try {
      tables.push({ path, rows: parseCsv(await archive.read(path)) });
    } catch (e) {
      skip(path, `could not read the CSV: ${(e as Error).message}`);
    }
  }
  const detection = detectLayout(images.map(rel), tables.map((t) => ({ ...t, path: rel(t.path) })));
  const layout = options.layout ?? detection.candidates[0] ?? null;
  ignored += tables.filter((t) => !detection.csvKinds.has(rel(t.path))).length;

  const report: DatasetReport = {
    name: archive.name,
    layout,
    candidates: detection.candidates,
    ambiguous: detection.candidates.length > 1 && !options.layout,
    task: null,
    splits: {},
    imageSize: null,
    skipped: 0,
    ignored,
    problems,
  };
  if (!layout) {
    if (archive.entries.length > 0 || problems.length === 0) {
      note(
        archive.name,
        images.length === 0
          ? `no images found (${archive.entries.length - dirs.length} files, none a JPEG, PNG, GIF or WebP)`
          : 'no dataset layout recognised: expected <split>/<class>/ image folders, a keypoints CSV, an age/gender CSV or UTKFace file names',
      );
    }
    report.skipped = skipped + images.length;
    return { report, items: [] };
  }

  // 4. Labels, by layout.
  const candidates: Candidate[] = [];
  const labelled = new Set<string>();
  const ctx = { images, root, rel, skip, note, candidates, labelled, detection, tables };
  if (layout === 'imagefolder') imageFolderCandidates(ctx);
  else if (layout === 'utkface') utkCandidates(ctx);
  else if (layout === 'keypoints-csv') keypointCandidates(ctx);
  else ageGenderCandidates(ctx);

  // 5. Every labelled image: header, limits, decode.
  const items: LabelledItem[] = [];
  const hashes = new Map<string, string>();
  let done = 0;
  const total = candidates.length;
  options.onProgress?.({ done, total });
  await forEachLimit(candidates, options.concurrency ?? 4, async (c) => {
    const item = await checkImage(archive, c, limits, options.decoder, hashes, skip, warn);
    if (item) items.push(item);
    options.onProgress?.({ done: ++done, total });
  });
  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // 6. Classes from the images kept; empty and lone classes.
  let classes: string[] | undefined;
  if (layout === 'imagefolder') {
    classes = [...new Set(items.map((i) => i.className!))].sort();
    for (const dir of classFolders(archive, root, dirs, images)) {
      const [split, cls] = dir.key;
      if (!items.some((i) => i.split === split && i.className === cls)) {
        note(dir.path, 'empty class folder: no usable images in it');
      }
    }
    if (classes.length === 1) {
      note(archive.name, `only one class ('${classes[0]}'): classification needs at least two class folders`);
    }
    warnLayout(archive.name, items, classes, warn);
    for (const i of items) {
      i.label = classes.indexOf(i.className!);
      delete i.className;
    }
    report.classes = classes;
    report.task = classes.length > 2 ? 'multiclass' : 'binary';
  } else if (layout === 'keypoints-csv') {
    report.points = detection.points;
    report.task = 'keypoints';
  } else {
    report.task = 'age-gender';
    warnLayout(archive.name, items, undefined, warn);
  }

  // 7. Counts.
  const splitNames = [...new Set(items.map((i) => i.split))].sort(bySplitRole);
  for (const split of splitNames) {
    const its = items.filter((i) => i.split === split);
    const s: SplitReport = { count: its.length };
    if (classes) s.classes = Object.fromEntries(classes.map((c, k) => [c, its.filter((i) => i.label === k).length]));
    if (layout === 'keypoints-csv') s.points = detection.points;
    if (report.task === 'age-gender') {
      s.genders = { Male: its.filter((i) => i.gender === 0).length, Female: its.filter((i) => i.gender === 1).length };
      const ages = its.map((i) => i.age!);
      if (ages.length) s.ages = { min: Math.min(...ages), max: Math.max(...ages) };
    }
    report.splits[split] = s;
  }
  if (items.length) {
    report.imageSize = {
      minWidth: Math.min(...items.map((i) => i.width)),
      maxWidth: Math.max(...items.map((i) => i.width)),
      minHeight: Math.min(...items.map((i) => i.height)),
      maxHeight: Math.max(...items.map((i) => i.height)),
    };
  } else if (candidates.length === 0 && !problems.some((p) => p.file === archive.name)) {
    note(archive.name, 'no labelled images found');
  }
  report.skipped = skipped;
  problems.sort((a, b) => (a.file === b.file ? (a.row ?? 0) - (b.row ?? 0) : a.file < b.file ? -1 : 1));
  return { report, items };
}

/**
 * Warnings (the items are kept) for layouts that train badly: a class no training image teaches, class names
 * that differ only by case, an age-gender target with one value in the training images.
 */
function warnLayout(name: string, items: LabelledItem[], classes: string[] | undefined, warn: (file: string, reason: string) => void): void {
  const training = items.filter((i) => (splitRole(i.split) ?? 'train') === 'train');
  if (classes) {
    const taught = new Set(training.map((i) => i.className));
    if (training.length) {
      for (const c of classes) if (!taught.has(c)) warn(name, `class '${c}' has no training images: the model cannot learn it`);
    }
    const byFold = new Map<string, string[]>();
    for (const c of classes) byFold.set(c.toLowerCase(), [...(byFold.get(c.toLowerCase()) ?? []), c]);
    for (const same of byFold.values()) {
      if (same.length > 1) warn(name, `classes ${same.map((c) => `'${c}'`).join(' and ')} differ only by case: they are read as ${same.length} classes`);
    }
  } else if (training.length > 1) {
    const genders = new Set(training.map((i) => i.gender));
    if (genders.size === 1) warn(name, `every training image is ${GENDER_NAMES[training[0].gender!]}: the gender output cannot learn`);
    const ages = new Set(training.map((i) => i.age));
    if (ages.size === 1) warn(name, `every training image is aged ${training[0].age}: the age output cannot learn`);
  }
}

interface Context {
  images: string[];
  root: string;
  rel(path: string): string;
  skip(file: string, reason: string, row?: number): void;
  /** A problem with a whole CSV, not with one item. */
  note(file: string, reason: string): void;
  candidates: Candidate[];
  /** Images some CSV row has claimed. */
  labelled: Set<string>;
  detection: Detection;
  tables: CsvTable[];
}

/** The folder every path shares ('' when none, or when looking through it would leave no class folders). */
function commonRoot(paths: string[]): string {
  if (paths.length === 0) return '';
  const first = paths[0].split('/')[0];
  if (!paths.every((p) => p.startsWith(first + '/'))) return '';
  if (splitRole(first)) return '';
  const inner = paths.map((p) => p.slice(first.length + 1));
  const deep = inner.some((p) => p.includes('/')) || inner.some((p) => /\.csv$/i.test(p));
  return deep ? first + '/' : '';
}

const ROLE_ORDER = { train: 0, val: 1, test: 2 };
function bySplitRole(a: string, b: string): number {
  const ra = ROLE_ORDER[splitRole(a) ?? 'test'] + (splitRole(a) ? 0 : 3);
  const rb = ROLE_ORDER[splitRole(b) ?? 'test'] + (splitRole(b) ? 0 : 3);
  return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
}

/** `<split>/<class>/<image>` when the top folders are splits, else `<class>/<image>` (split 'train'). */
function imageFolderCandidates({ images, rel, skip, candidates }: Context): void {
  const splitMode = hasSplitFolders(images.map(rel));
  for (const path of images) {
    const at = imageFolderClass(rel(path), splitMode);
    if (at) candidates.push({ path, split: at.split, className: at.className });
    else skip(path, `not inside a ${splitMode ? '<split>/<class>/' : '<class>/'} folder; left out`);
  }
}

/** Folders that should hold one class's images: `<split>/<class>/` (or `<class>/`), from entries and dirs. */
function classFolders(archive: Archive, root: string, dirs: string[], images: string[]) {
  const splitMode = hasSplitFolders(images.map((p) => p.slice(root.length)));
  const out = new Map<string, { path: string; key: [string, string] }>();
  const all = [...dirs, ...archive.entries.map((e) => e.path)];
  for (const p of all) {
    if (!p.startsWith(root)) continue;
    const segs = p.slice(root.length).split('/');
    if (JUNK.test(p)) continue;
    const at = imageFolderClass(segs.join('/'), splitMode);
    if (!at || at.className === '') continue;
    const path = splitMode ? `${root}${at.split}/${at.className}/` : `${root}${at.className}/`;
    out.set(path, { path, key: [at.split, at.className] });
  }
  return [...out.values()];
}

function utkCandidates({ images, rel, skip, candidates }: Context): void {
  for (const path of images) {
    const label = parseUtkName(path);
    const top = rel(path).split('/');
    const split = top.length >= 2 && splitRole(top[0]) ? top[0] : 'train';
    if (!label) skip(path, "name does not follow UTKFace's <age>_<gender>_<race>_<date>.jpg; left out");
    else {
      try {
        candidates.push({ path, split, ...label, age: humanAge(label.age) });
      } catch (e) {
        skip(path, `its name: ${(e as Error).message}; left out`);
      }
    }
  }
}

/** Finds the image a CSV row names: beside the CSV, in the CSV's split folder, or by a unique file name. */
function resolver(images: string[], rel: (p: string) => string) {
  const byRel = new Map(images.map((p) => [rel(p), p]));
  const byBase = new Map<string, string[]>();
  for (const p of images) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    byBase.set(base, [...(byBase.get(base) ?? []), p]);
  }
  return (name: string, csvDir: string, split: string | undefined): string | string[] | undefined => {
    const clean = name.replaceAll('\\', '/').replace(/^\.?\//, '');
    const tries = [split && `${csvDir}${split}/${clean}`, `${csvDir}${clean}`, clean].filter(Boolean) as string[];
    for (const t of tries) if (byRel.has(t)) return byRel.get(t);
    const same = byBase.get(clean.slice(clean.lastIndexOf('/') + 1)) ?? [];
    return same.length === 1 ? same[0] : same.length > 1 ? same : undefined;
  };
}

function lookup(
  ctx: Context,
  find: ReturnType<typeof resolver>,
  csv: string,
  row: number,
  name: string,
  split: string | undefined,
): string | undefined {
  const csvDir = ctx.rel(csv).slice(0, ctx.rel(csv).lastIndexOf('/') + 1);
  if (name === '') return void ctx.skip(csv, 'empty file name', row);
  const found = find(name, csvDir, split);
  if (found === undefined) return void ctx.skip(csv, `names '${name}', which is not in the zip`, row);
  if (Array.isArray(found)) {
    return void ctx.skip(csv, `names '${name}', which matches ${found.length} images (${found.join(', ')})`, row);
  }
  if (ctx.labelled.has(found)) return void ctx.skip(csv, `names '${name}' again; the first row's labels are kept`, row);
  ctx.labelled.add(found);
  return found;
}

/** Images that a CSV layout's splits hold but no row labels. */
function unlabelled(ctx: Context, splits: Set<string>): void {
  for (const path of ctx.images) {
    if (ctx.labelled.has(path)) continue;
    const top = ctx.rel(path).split('/')[0];
    if (splits.has(top) || !ctx.rel(path).includes('/')) ctx.skip(path, 'not named in any CSV; left out');
  }
}

const AXES = ['x', 'y'];

function keypointCandidates(ctx: Context): void {
  const find = resolver(ctx.images, ctx.rel);
  const points = ctx.detection.points;
  const splits = new Set<string>();
  const empty: { path: string; split: string }[] = [];
  for (const table of ctx.tables) {
    if (ctx.detection.csvKinds.get(ctx.rel(table.path)) !== 'keypoints-csv') continue;
    const split = splitInName(table.path) ?? 'train';
    splits.add(split);
    const hasHeader = ctx.detection.headers.get(ctx.rel(table.path)) ?? false;
    let rows = 0;
    table.rows.forEach((cells, i) => {
      const row = i + 1;
      if ((hasHeader && i === 0) || cells.every((c) => c === '')) return;
      rows++;
      const numbers = cells.length - 1;
      if (points === undefined || numbers !== 2 * points) {
        return ctx.skip(
          table.path,
          points === undefined
            ? `has ${numbers} numbers after the file name, and no header or row gives an even count of x,y pairs`
            : `has ${numbers} numbers after the file name, expected ${2 * points} (${points} x,y pairs)`,
          row,
        );
      }
      const values: number[] = [];
      for (let j = 1; j < cells.length; j++) {
        const what = `${AXES[(j - 1) % 2]}${(j - 1) >> 1} (column ${j + 1})`;
        if (cells[j] === '') return ctx.skip(table.path, `empty cell for ${what}`, row);
        const v = Number(cells[j]);
        if (!Number.isFinite(v)) return ctx.skip(table.path, `${what} is not a number ('${cells[j]}')`, row);
        values.push(v);
      }
      const path = lookup(ctx, find, table.path, row, cells[0], split);
      if (path) ctx.candidates.push({ path, split, values, row });
    });
    if (rows === 0) empty.push({ path: table.path, split });
  }
  unlabelled(ctx, splits);
  for (const { path, split } of empty) {
    const left = ctx.images.filter((p) => !ctx.labelled.has(p) && ctx.rel(p).split('/')[0] === split).length;
    const what = left === 0 ? 'it labels no image' : `${left} image${left === 1 ? '' : 's'} in ${split}/ left unlabelled`;
    ctx.note(path, `has a header and no rows: ${what}`);
  }
}

function ageGenderCandidates(ctx: Context): void {
  const find = resolver(ctx.images, ctx.rel);
  const splits = new Set<string>();
  for (const table of ctx.tables) {
    const columns = ctx.detection.ageGenderColumns.get(ctx.rel(table.path));
    if (!columns) continue;
    const csvSplit = splitInName(table.path);
    const width = table.rows[0].length;
    table.rows.forEach((cells, i) => {
      const row = i + 1;
      if (i === 0 || cells.every((c) => c === '')) return;
      if (cells.length !== width) {
        return ctx.skip(table.path, `has ${cells.length} columns, the header has ${width}`, row);
      }
      const name = cells[columns.file];
      const top = name.replaceAll('\\', '/').split('/');
      const split = csvSplit ?? (top.length >= 2 && splitRole(top[0]) ? top[0] : 'train');
      let age: number;
      let gender: 0 | 1;
      try {
        age = parseAge(cells[columns.age]);
        gender = parseGender(cells[columns.gender]);
      } catch (e) {
        return ctx.skip(table.path, (e as Error).message, row);
      }
      const path = lookup(ctx, find, table.path, row, name, csvSplit);
      if (path) {
        splits.add(ctx.rel(path).split('/')[0]);
        ctx.candidates.push({ path, split, age, gender, row });
      }
    });
  }
  unlabelled(ctx, splits);
}

/** FNV-1a over the bytes: finds the same image stored twice. */
function fingerprint(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

async function checkImage(
  archive: Archive,
  c: Candidate,
  limits: DatasetLimits,
  decoder: ImageDecoder | undefined,
  hashes: Map<string, string>,
  skip: (file: string, reason: string, row?: number) => void,
  warn: (file: string, reason: string) => void,
): Promise<LabelledItem | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await archive.read(c.path);
  } catch (e) {
    return void skip(c.path, `could not be read: ${(e as Error).message}`);
  }
  let width: number;
  let height: number;
  try {
    ({ width, height } = probeWithinLimit(bytes, limits.maxPixels));
  } catch (e) {
    return void skip(c.path, (e as Error).message);
  }
  if (decoder) {
    try {
      await decoder(bytes, { width: VERIFY_SIZE, height: VERIFY_SIZE });
    } catch (e) {
      return void skip(c.path, `does not decode: ${(e as Error).message}`);
    }
  }
  const hash = fingerprint(bytes);
  const twin = hashes.get(hash);
  if (twin !== undefined && twin.slice(twin.lastIndexOf('/')) === c.path.slice(c.path.lastIndexOf('/'))) {
    const [first, second] = twin < c.path ? [twin, c.path] : [c.path, twin];
    warn(second, `same file as ${first} (identical bytes, same name); kept both`);
  } else {
    hashes.set(hash, c.path);
  }
  const item: LabelledItem = { path: c.path, split: c.split, width, height };
  if (c.className !== undefined) item.className = c.className;
  if (c.values) {
    const points: number[] = [];
    for (let k = 0; k < c.values.length; k += 2) {
      const [x, y] = [c.values[k], c.values[k + 1]];
      const out = Math.max(-x, -y, x - width, y - height);
      if (out > OUTSIDE_TOLERANCE * Math.max(width, height)) {
        return void skip(c.path, `keypoint ${k / 2} (${x}, ${y}) lies far outside the ${width}×${height} image; left out`);
      }
      if (out > 0) {
        warn(c.path, `keypoint ${k / 2} (${x}, ${y}) lies ${+out.toFixed(1)} px outside the ${width}×${height} image; moved to its edge (kept)`);
      }
      points.push(clamp01(x / width), clamp01(y / height));
    }
    item.points = points;
  }
  if (c.age !== undefined) item.age = c.age;
  if (c.gender !== undefined) item.gender = c.gender;
  if (c.row !== undefined) item.row = c.row;
  return item;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

