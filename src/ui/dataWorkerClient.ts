import { proxy, wrap, type Remote } from 'comlink';
import type { DatasetIndex, LayoutName, ScanProgress } from '../engine/data';
import type { DataWorkerApi, DatasetSource } from '../workers/data.worker';

/** Longest side of a grid thumbnail, in pixels (twice the cell, for sharp screens). */
const THUMB_SIDE = 192;

/**
 * The one owner of the data worker: reads datasets there and hands out thumbnail URLs, asked for in batches
 * and cached until the next dataset is opened.
 */
export class DataWorkerClient {
  private worker: Worker | null = null;
  private api: Remote<DataWorkerApi> | null = null;
  private urls = new Map<string, Promise<string | null>>();
  private pending: { path: string; resolve: (url: string | null) => void }[] = [];
  private flushing = false;
  private generation = 0;

  private remote(): Remote<DataWorkerApi> {
    if (!this.api) {
      this.worker = new Worker(new URL('../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'data' });
      this.api = wrap<DataWorkerApi>(this.worker);
    }
    return this.api;
  }

  /** Reads `source` in the worker; thumbnails of the previous dataset are dropped. */
  async open(source: DatasetSource, layout: LayoutName | undefined, onProgress: (p: ScanProgress) => void): Promise<DatasetIndex> {
    this.clearThumbnails();
    return this.remote().open(source, layout, proxy(onProgress));
  }

  /** Ingestion throughput of a zip in the worker (the bench). */
  ingest(blob: Blob, size: number): Promise<{ images: number; seconds: number }> {
    return this.remote().ingest(blob, size);
  }

  /** An object URL of a thumbnail of `path` in the open dataset, or null when it does not decode. */
  thumbnail(path: string): Promise<string | null> {
    let url = this.urls.get(path);
    if (!url) {
      url = new Promise((resolve) => this.pending.push({ path, resolve }));
      this.urls.set(path, url);
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    }
    return url;
  }

  /** Sends the thumbnails asked for in one tick as one call. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = false;
    const mine = this.generation;
    try {
      const blobs = await this.remote().thumbnails(batch.map((b) => b.path), THUMB_SIDE);
      batch.forEach((b, i) => {
        const blob = blobs[i];
        b.resolve(blob && mine === this.generation ? URL.createObjectURL(blob) : null);
      });
    } catch {
      batch.forEach((b) => b.resolve(null));
    }
  }

  clearThumbnails(): void {
    this.generation++;
    for (const url of this.urls.values()) void url.then((u) => u && URL.revokeObjectURL(u));
    this.urls.clear();
  }

  terminate(): void {
    this.clearThumbnails();
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
  }
}

export const dataWorker = new DataWorkerClient();
