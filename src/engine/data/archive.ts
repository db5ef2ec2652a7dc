import type { Problem } from './types';

/** One file of an archive or dropped folder. */
export interface ArchiveEntry {
  /** Forward-slash path from the archive root, no leading slash; folders end with '/'. */
  path: string;
  /** Uncompressed size in bytes, as declared. */
  size: number;
}

/** A zip or a dropped folder, read the same way: a list of entries and a reader for one entry at a time. */
export interface Archive {
  /** The zip's or folder's name, for messages. */
  name: string;
  entries: ArchiveEntry[];
  /** Problems found while listing (entries over the limits, unsupported compression, not a zip at all). */
  problems: Problem[];
  /** The uncompressed bytes of one entry; rejects with a short reason when it cannot be read. */
  read(path: string): Promise<Uint8Array>;
}

/** A file of a dropped folder (File System entries) or a Node directory. */
export interface FolderFile {
  /** Path relative to the folder dropped, forward slashes. */
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

/** A dropped folder as an archive. */
export function folderArchive(name: string, files: FolderFile[]): Archive {
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f]));
  return {
    name,
    entries: [...byPath].map(([path, f]) => ({ path, size: f.size })),
    problems: [],
    async read(path) {
      const file = byPath.get(path);
      if (!file) throw new Error('no such file');
      return file.read();
    },
  };
}

/** Blobs (Files from a drop or an <input webkitdirectory>) as folder files. */
export function blobFiles(files: { path: string; blob: Blob }[]): FolderFile[] {
  return files.map(({ path, blob }) => ({
    path,
    size: blob.size,
    read: async () => new Uint8Array(await blob.arrayBuffer()),
  }));
}

/**
 * Why an entry name cannot be taken as a path inside the dataset, or undefined when it can: a `.` or `..`
 * segment (`train/../../x.jpg` would otherwise become a class), or an absolute path (`/etc/x.jpg`, `C:/x.jpg`).
 * Checked on the name as stored, before `normalizePath`.
 */
export function unsafePathReason(path: string): string | undefined {
  const p = path.replaceAll('\\', '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'its name is an absolute path; left out';
  const bad = p.split('/').find((s) => s === '.' || s === '..');
  return bad === undefined ? undefined : `its name has a '${bad}' segment; left out`;
}

/** Forward slashes, no leading './' or '/'. */
export function normalizePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/^(\.\/|\/)+/, '');
}
