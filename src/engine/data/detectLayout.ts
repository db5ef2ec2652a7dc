import { parseUtkName, splitRole } from './labels';
import { isImagePath } from './probeImage';
import type { LayoutName } from './types';

/** A CSV file's path and its parsed rows. */
export interface CsvTable {
  path: string;
  rows: string[][];
}

export type CsvLayout = 'keypoints-csv' | 'age-gender-csv';

/** Which columns of an age/gender CSV hold what. */
export interface AgeGenderColumns {
  file: number;
  age: number;
  gender: number;
}

/** What the contents look like, before any image is read. */
export interface Detection {
  /** Layouts the contents fit, most likely first. */
  candidates: LayoutName[];
  /** CSV path → what it labels (CSVs not listed are ignored). */
  csvKinds: Map<string, CsvLayout>;
  /** Keypoints CSV path → whether its first row is a header. */
  headers: Map<string, boolean>;
  /**
   * Points per image in the keypoints CSVs, one count for all of them: the headers' (2K columns after the name)
   * where one says it, else the most common even row length over every CSV. Undefined when neither gives one.
   */
  points?: number;
  ageGenderColumns: Map<string, AgeGenderColumns>;
}

const FILE_COLUMNS = ['file', 'filename', 'file_name', 'image', 'img', 'image_name', 'image_path', 'path', 'name'];
/** Share of images with UTKFace names above which a zip without CSV is read as UTKFace. */
const UTK_SHARE = 0.75;
const KEYPOINT_ROW_SHARE = 0.5;

/** Whether image folders are `<split>/<class>/…` (true) or `<class>/…` (false). */
export function hasSplitFolders(images: string[]): boolean {
  return images.some((p) => {
    const segs = p.split('/');
    return segs.length >= 3 && splitRole(segs[0]) !== undefined;
  });
}

/** The split and class an image folder path gives, or undefined when the image is not in a class folder. */
export function imageFolderClass(path: string, splitMode: boolean): { split: string; className: string } | undefined {
  const segs = path.split('/');
  if (splitMode) return segs.length >= 3 && splitRole(segs[0]) ? { split: segs[0], className: segs[1] } : undefined;
  return segs.length >= 2 && !splitRole(segs[0]) ? { split: 'train', className: segs[0] } : undefined;
}

const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));
/** A keypoints header cell: a column number (`0`…`135`) or a coordinate name (`x0`, `y_12`, `nose_tip_x`). */
const COORDINATE = /^\d+$|(^|[^a-z])[xy]($|[^a-z])/i;
/** x,y pairs after the name column, or undefined when the count is odd. */
const pairs = (numbers: number) => (numbers > 0 && numbers % 2 === 0 ? numbers / 2 : undefined);
const nonBlank = (rows: string[][]) => rows.filter((r) => r.some((c) => c !== ''));

/**
 * Detects the layout from paths (relative to the dataset root) and CSV contents: a keypoints or age/gender
 * CSV wins; else UTKFace names or image folders. More than one candidate means the user should choose.
 */
export function detectLayout(images: string[], tables: CsvTable[]): Detection {
  const d: Detection = { candidates: [], csvKinds: new Map(), headers: new Map(), ageGenderColumns: new Map() };
  const headerPoints: number[] = [];
  const rowNumbers: number[] = [];
  for (const { path, rows: all } of tables) {
    const rows = nonBlank(all);
    if (rows.length === 0) continue;
    const header = rows[0].map((c) => c.toLowerCase());
    const file = header.findIndex((c) => FILE_COLUMNS.includes(c));
    const age = header.indexOf('age');
    const gender = header.findIndex((c) => c === 'gender' || c === 'sex');
    if (file >= 0 && age >= 0 && gender >= 0) {
      d.csvKinds.set(path, 'age-gender-csv');
      d.ageGenderColumns.set(path, { file, age, gender });
      continue;
    }
    const hasHeader = !isImagePath(rows[0][0]);
    const data = hasHeader ? rows.slice(1) : rows;
    const good = data.filter(
      (r) => isImagePath(r[0]) && r.length >= 3 && r.slice(1).filter(isNumber).length >= 0.6 * (r.length - 1),
    );
    // A header with no rows is still a keypoints CSV when its columns are coordinates: its images are unlabelled.
    const headerOnly = hasHeader && data.length === 0 && pairs(rows[0].length - 1) !== undefined && rows[0].slice(1).every((c) => COORDINATE.test(c));
    if (!headerOnly && (data.length === 0 || good.length < KEYPOINT_ROW_SHARE * data.length)) continue;
    d.csvKinds.set(path, 'keypoints-csv');
    d.headers.set(path, hasHeader);
    const fromHeader = hasHeader ? pairs(rows[0].length - 1) : undefined;
    if (fromHeader !== undefined) headerPoints.push(fromHeader);
    rowNumbers.push(...good.map((r) => r.length - 1).filter((n) => pairs(n) !== undefined));
  }
  const numbers = mode(headerPoints.map((p) => 2 * p)) ?? mode(rowNumbers);
  if (numbers !== undefined) d.points = numbers / 2;

  const kinds = [...d.csvKinds.values()];
  if (kinds.includes('keypoints-csv')) d.candidates.push('keypoints-csv');
  if (kinds.includes('age-gender-csv')) d.candidates.push('age-gender-csv');
  if (d.candidates.length) return d;

  const splitMode = hasSplitFolders(images);
  const classes = new Set(images.map((p) => imageFolderClass(p, splitMode)?.className).filter((c) => c !== undefined));
  const utk = images.length > 0 && images.filter((p) => parseUtkName(p)).length >= UTK_SHARE * images.length;
  if (utk && classes.size < 2) d.candidates.push('utkface');
  else if (utk) d.candidates.push('imagefolder', 'utkface');
  else if (classes.size > 0) d.candidates.push('imagefolder');
  return d;
}

/** The most common value (the first seen on a tie), or undefined for none. */
function mode(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
