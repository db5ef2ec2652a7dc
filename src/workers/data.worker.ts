import { expose } from 'comlink';
import {
  bitmapDecoder,
  blobFiles,
  blobSource,
  folderArchive,
  openZip,
  scanDataset,
  thumbnailBlob,
  type Archive,
  type DatasetIndex,
  type LayoutName,
  type ScanProgress,
} from '../engine/data';

/** What the user gave: a zip (dropped, picked or a fetched sample) or a dropped folder's files. */
export type DatasetSource =
  | { kind: 'zip'; name: string; blob: Blob }
  | { kind: 'folder'; name: string; files: { path: string; blob: Blob }[] };

let archive: Archive | null = null;

/** Progress is sent at most this often (messages, not images). */
const PROGRESS_EVERY_MS = 100;

const api = {
  /**
   * Reads a dataset: lists the zip (or folder), detects its layout (or uses `layout`), decodes every image once
   * with createImageBitmap, and returns the report and the items kept. Entries are inflated one at a time.
   */
  async open(source: DatasetSource, layout?: LayoutName, onProgress?: (p: ScanProgress) => void): Promise<DatasetIndex> {
    archive =
      source.kind === 'zip'
        ? await openZip(source.name, blobSource(source.blob))
        : folderArchive(source.name, blobFiles(source.files));
    let last = 0;
    return scanDataset(archive, {
      decoder: bitmapDecoder,
      layout,
      onProgress(p) {
        const now = performance.now();
        if (p.done === p.total || now - last >= PROGRESS_EVERY_MS) {
          last = now;
          onProgress?.(p);
        }
      },
    });
  },
  /** Small JPEGs of the open dataset's images, longest side `side`; null for an image that does not decode. */
  async thumbnails(paths: string[], side: number): Promise<(Blob | null)[]> {
    const current = archive;
    if (!current) throw new Error('no dataset open');
    return Promise.all(paths.map(async (p) => thumbnailBlob(await current.read(p), side).catch(() => null)));
  },
  /** Images per second through the whole path (inflate + decode + resize to `size`), for the ingestion bench. */
  async ingest(blob: Blob, size: number): Promise<{ images: number; seconds: number }> {
    const zip = await openZip('bench.zip', blobSource(blob));
    const index = await scanDataset(zip);
    const start = performance.now();
    for (const item of index.items) await bitmapDecoder(await zip.read(item.path), { width: size, height: size });
    return { images: index.items.length, seconds: (performance.now() - start) / 1000 };
  },
};

export type DataWorkerApi = typeof api;

expose(api);
