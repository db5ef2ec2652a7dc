import type { Archive } from './archive';
import { splitRole } from './labels';
import type { DatasetIndex } from './types';

/** Images added to an open dataset (camera captures), by their path in it. */
export type AddedImages = ReadonlyMap<string, Uint8Array>;

/**
 * `base` with `added` laid over it: the entries of both, an added path read from `added`. A scan of it reads
 * the added images as if the zip or folder held them.
 */
export function overlayArchive(base: Archive, added: AddedImages): Archive {
  const own = base.entries.filter((e) => !added.has(e.path));
  return {
    name: base.name,
    entries: [...own, ...[...added].map(([path, bytes]) => ({ path, size: bytes.length }))],
    problems: base.problems,
    async read(path) {
      return added.get(path) ?? base.read(path);
    },
  };
}

/**
 * Where an image added to class `className` of an image-folder dataset goes so that a scan reads it as a
 * training image of that class: beside the dataset's training images (`<root><train split>/<class>/`, or
 * `<root><class>/` when the dataset has no split folders). Throws for other layouts and unusable class names.
 */
export function addedImagePath(index: DatasetIndex, className: string, fileName: string): string {
  if (index.report.layout !== 'imagefolder') throw new Error('images can be added to image-folder datasets only');
  const name = className.trim();
  if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.startsWith('.')) {
    throw new Error(`'${className}' cannot be a class folder name`);
  }
  const training = index.items.find((i) => (splitRole(i.split) ?? 'train') === 'train');
  if (!training) throw new Error('the dataset has no training images to add beside');
  // `<root>[<split>/]<class>/<file>`: the class folder is the second-to-last segment.
  const segments = training.path.split('/');
  segments.splice(-2, 2, name, fileName);
  return segments.join('/');
}
