import { openDB, type DBSchema } from 'idb';
import type { SavedModelFiles } from '../models/savedModel';
import type { Checkpoint } from './checkpoint';

/** The trained model is kept under this key: one run, the last one, for now. */
const MODEL = 'current';
/** Checkpoints kept: the newest, and the one before in case the newest write is cut short. */
const KEEP = 2;

interface RunDB extends DBSchema {
  /** The run's checkpoints by epoch: the last two finished epochs (one when storage is short). */
  checkpoints: { key: number; value: Checkpoint };
  /** The trained model's files (`model.json`, `weights.bin`, `studio.json`), written when a run ends. */
  model: { key: string; value: SavedModelFiles };
}

/** The browser refused to store more (its quota for this site is used up). */
export class StorageFull extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageFull';
  }
}

const isQuotaError = (e: unknown) => (e as { name?: string })?.name === 'QuotaExceededError';

/** What a training run keeps in IndexedDB (see `idbRunStore`). */
export interface RunStore {
  /** Forgets the last run: its checkpoints and its trained model (a new run starts). */
  clear(): Promise<void>;
  /**
   * Stores the checkpoint of a finished epoch and prunes all but the last two. When the quota is used up, every
   * older checkpoint is pruned and the write tried once more; if it still does not fit, `StorageFull` says so
   * (the newest earlier checkpoint is kept: nothing saved is lost). Resolves with the epochs pruned for space.
   */
  saveCheckpoint(checkpoint: Checkpoint): Promise<{ prunedForSpace: number[] }>;
  /** The newest checkpoint, if any. */
  loadCheckpoint(): Promise<Checkpoint | null>;
  /** Forgets the checkpoints (once the trained model is saved). */
  clearCheckpoints(): Promise<void>;
  saveModel(files: SavedModelFiles): Promise<void>;
  /** The trained model's files, if a run saved them. */
  loadModel(): Promise<SavedModelFiles | null>;
}

/**
 * A run's checkpoints and trained model in IndexedDB, written where they are made (the trainer worker), so
 * they survive a reload without being copied to the page first.
 */
export function idbRunStore(name = 'transfer-studio-run'): RunStore {
  let db: ReturnType<typeof openDB<RunDB>> | null = null;
  const open = () =>
    (db ??= openDB<RunDB>(name, 1, {
      upgrade(d) {
        d.createObjectStore('checkpoints');
        d.createObjectStore('model');
      },
    }));

  async function putCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const tx = (await open()).transaction('checkpoints', 'readwrite');
    const store = tx.objectStore('checkpoints');
    try {
      await store.put(checkpoint, checkpoint.epoch);
      const older = (await store.getAllKeys()).filter((epoch) => epoch < checkpoint.epoch).sort((a, b) => b - a);
      await Promise.all(older.slice(KEEP - 1).map((epoch) => store.delete(epoch)));
      await tx.done;
    } catch (e) {
      // A quota failure aborts the commit: requests then fail as aborted; the transaction holds the cause.
      throw tx.error ?? e;
    }
  }

  return {
    async clear() {
      const tx = (await open()).transaction(['checkpoints', 'model'], 'readwrite');
      await Promise.all([tx.objectStore('checkpoints').clear(), tx.objectStore('model').clear(), tx.done]);
    },
    async saveCheckpoint(checkpoint) {
      try {
        await putCheckpoint(checkpoint);
        return { prunedForSpace: [] };
      } catch (e) {
        if (!isQuotaError(e)) throw e;
      }
      const d = await open();
      const older = (await d.getAllKeys('checkpoints')).filter((epoch) => epoch < checkpoint.epoch).sort((a, b) => b - a);
      // Keeps the newest older one until the new one is in: never fewer checkpoints than before.
      const prunable = older.slice(1);
      await Promise.all(prunable.map((epoch) => d.delete('checkpoints', epoch)));
      try {
        await putCheckpoint(checkpoint);
        return { prunedForSpace: prunable };
      } catch (e) {
        if (!isQuotaError(e)) throw e;
        const kept = older[0];
        throw new StorageFull(
          `Storage is full: the checkpoint of epoch ${checkpoint.epoch} could not be saved` +
            (kept ? `; a reload would go back to epoch ${kept}.` : '; a reload would start this run again.') +
            " Free space for this site in the browser's settings to keep checkpoints.",
        );
      }
    },
    async loadCheckpoint() {
      const d = await open();
      const epochs = await d.getAllKeys('checkpoints');
      if (!epochs.length) return null;
      return (await d.get('checkpoints', Math.max(...epochs))) ?? null;
    },
    async clearCheckpoints() {
      await (await open()).clear('checkpoints');
    },
    async saveModel(files) {
      await (await open()).put('model', files, MODEL);
    },
    async loadModel() {
      return (await (await open()).get('model', MODEL)) ?? null;
    },
  };
}
