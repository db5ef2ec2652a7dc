import type { Remote } from 'comlink';
import type { DatasetItem } from '../engine/data';
import type { TrainerWorkerApi } from '../workers/trainer.worker';
import { trainerWorker, WorkerRestarted } from './trainerWorkerClient';

/** Longest side of a grid thumbnail, in pixels (twice the cell, for sharp screens). */
const THUMB_SIDE = 192;
/** Items the grid asks the worker for at once. */
export const ITEM_PAGE = 120;

/** A read of the open dataset, beside queued calls; one cut short by a restart is asked again of the new worker. */
async function fromWorker<T>(fn: (api: Remote<TrainerWorkerApi>) => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await trainerWorker.now(fn);
    } catch (e) {
      if (!(e instanceof WorkerRestarted) || tries >= 2) throw e;
    }
  }
}

/**
 * Values by key, asked for in batches: the keys asked for in one tick go to `load` as one call. Answers are
 * kept until `clear`; `missing` stands for a failed batch. `load` is told whether its answer is still wanted.
 */
function batched<V>(load: (keys: string[], current: () => boolean) => Promise<V[]>, missing: V) {
  const cache = new Map<string, Promise<V>>();
  let pending: { key: string; resolve: (v: V) => void }[] = [];
  let generation = 0;

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    const mine = generation;
    try {
      const values = await load(batch.map((b) => b.key), () => mine === generation);
      batch.forEach((b, i) => b.resolve(values[i]));
    } catch {
      batch.forEach((b) => b.resolve(missing));
    }
  }

  return {
    get(key: string): Promise<V> {
      let value = cache.get(key);
      if (!value) {
        value = new Promise((resolve) => pending.push({ key, resolve }));
        cache.set(key, value);
        if (pending.length === 1) queueMicrotask(() => void flush());
      }
      return value;
    },
    /** Forgets every answer; returns them (to free what they hold). */
    clear(): Promise<V>[] {
      generation++;
      const old = [...cache.values()];
      cache.clear();
      return old;
    },
  };
}

const thumbnails = batched<string | null>(async (paths, current) => {
  const blobs = await fromWorker((api) => api.thumbnails(paths, THUMB_SIDE));
  return blobs.map((blob) => (blob && current() ? URL.createObjectURL(blob) : null));
}, null);

const items = batched<DatasetItem | null>((paths) => fromWorker((api) => api.itemsAt(paths)), null);

/** Pages of the grid by split and page number: asked for once, kept once they arrive. */
const pages = new Map<string, Promise<DatasetItem[]>>();
const pagesIn = new Map<string, DatasetItem[]>();
const pageKey = (split: string, page: number) => `${page}:${split}`;

/**
 * What the page shows of the open dataset, read from the trainer worker (which holds the items) as it is
 * shown: thumbnails, pages of the grid, single items by path. Cleared when another dataset is opened.
 */
export const datasetCache = {
  /** An object URL of a thumbnail of `path`, or null when it does not decode. */
  thumbnail: (path: string) => thumbnails.get(path),
  /** The item at `path`, or null when the dataset has none. */
  item: (path: string) => items.get(path),
  /** Items `page * ITEM_PAGE` … of `split`; a page that failed is asked for again next time. */
  page(split: string, page: number): Promise<DatasetItem[]> {
    const key = pageKey(split, page);
    let loaded = pages.get(key);
    if (!loaded) {
      loaded = fromWorker((api) => api.items(split, page * ITEM_PAGE, ITEM_PAGE));
      pages.set(key, loaded);
      loaded.then(
        (list) => pages.get(key) === loaded && pagesIn.set(key, list),
        () => pages.get(key) === loaded && pages.delete(key),
      );
    }
    return loaded;
  },
  /** The page if it has arrived. */
  peekPage: (split: string, page: number): DatasetItem[] | undefined => pagesIn.get(pageKey(split, page)),
  clear(): void {
    for (const url of thumbnails.clear()) void url.then((u) => u && URL.revokeObjectURL(u));
    items.clear();
    pages.clear();
    pagesIn.clear();
  },
};
