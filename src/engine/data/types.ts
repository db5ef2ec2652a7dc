import type { CropOrigin } from './faceCrop';

/** The dataset layouts the studio detects, by the name used in the report, the CLI and the UI. */
export const LAYOUT_NAMES = ['imagefolder', 'keypoints-csv', 'age-gender-csv', 'utkface'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** What a layout trains: two classes → one sigmoid output (BCE); more → softmax. */
export type DatasetTask = 'binary' | 'multiclass' | 'keypoints' | 'age-gender';

/** One line of the dataset report: a skipped item (or a warning about a kept one) and why. */
export interface Problem {
  /** Path inside the zip or folder (the zip's own name for problems with the whole archive). */
  file: string;
  /** CSV line number, 1-based, the header being line 1 — as an editor shows it. */
  row?: number;
  reason: string;
  /** True when the item was kept anyway (a warning); absent when it was skipped. */
  kept?: boolean;
}

/** Counts of one split, as the zip has it. */
export interface SplitReport {
  count: number;
  /** Image folders: images per class. */
  classes?: Record<string, number>;
  /** Keypoints: points per image. */
  points?: number;
  /** Age + gender: images per gender word. */
  genders?: { Male: number; Female: number };
  /** Age + gender: youngest and oldest, in years. */
  ages?: { min: number; max: number };
}

/** Smallest and largest image sides in the dataset (after EXIF orientation). */
export interface SizeRange {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
}

/** Everything the user is told about a dataset. Plain data: it crosses the worker boundary as it is. */
export interface DatasetReport {
  /** Archive (or folder) name. */
  name: string;
  /** The layout read; null when the zip holds no usable dataset. */
  layout: LayoutName | null;
  /** Every layout the contents fit, most likely first; more than one → the user is asked. */
  candidates: LayoutName[];
  ambiguous: boolean;
  task: DatasetTask | null;
  /** Split name as the zip spells it → counts. */
  splits: Record<string, SplitReport>;
  /** Image folders: class names, sorted (label i is classes[i]). */
  classes?: string[];
  /** Keypoints: points per image. */
  points?: number;
  imageSize: SizeRange | null;
  /** Items left out because of a problem. */
  skipped: number;
  /** Files that are neither images nor CSVs (README, .DS_Store…), left out without a problem. */
  ignored: number;
  problems: Problem[];
}

/** One usable image and its target. Coordinates are normalized to 0..1 of the (oriented) original image. */
export interface DatasetItem {
  /** Path inside the archive. */
  path: string;
  split: string;
  width: number;
  height: number;
  /** Image folders: index into `report.classes`. */
  label?: number;
  /** Keypoints: x0,y0,x1,y1,… as x/width and y/height. */
  points?: number[];
  /** Age + gender / UTKFace: years. */
  age?: number;
  /** Age + gender / UTKFace: 0 = Male, 1 = Female (UTKFace's convention). */
  gender?: 0 | 1;
  /** CSV line the label came from. */
  row?: number;
  /** Moved into a face crop (faceCrop.ts): the size and points above are the crop's, these the original's. */
  crop?: CropOrigin;
}

/** A scanned dataset: the report and the items it kept. */
export interface DatasetIndex {
  report: DatasetReport;
  items: DatasetItem[];
}

/** Limits that protect the tab; all checked before anything is inflated or decoded. */
export interface DatasetLimits {
  /** Sum of the uncompressed sizes the zip declares. */
  maxTotalBytes: number;
  /** Uncompressed size one entry may declare. */
  maxEntryBytes: number;
  /** Pixels one image may declare in its header (width × height). */
  maxPixels: number;
}

export const DEFAULT_LIMITS: DatasetLimits = {
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntryBytes: 256 * 1024 ** 2,
  maxPixels: 40_000_000,
};

/** Decoded RGB pixels, 3 bytes per pixel, row-major, EXIF orientation applied. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Size of the oriented source image, before any resize. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface DecodeOptions {
  /** Resize (stretch) to exactly this size; the source size when absent. */
  width?: number;
  height?: number;
}

/**
 * Turns encoded image bytes into RGB pixels. The engine takes it as a function: the browser worker passes
 * `bitmapDecoder` (createImageBitmap + OffscreenCanvas), Node passes sharp's (src/cli/node/sharpDecoder.ts).
 * Rejects with a short reason when the bytes do not decode.
 */
export type ImageDecoder = (bytes: Uint8Array, options?: DecodeOptions) => Promise<DecodedImage>;
