import { openDB, type DBSchema } from 'idb';
import type { Checkpoint } from '../../engine/train/checkpoint';
import type { DatasetRef, SavedProject } from './project';

/** One project for now ('current'): the last one trained. */
const KEY = 'current';

interface ProjectDB extends DBSchema {
  /** Everything but the weights and the dataset's bytes: small, rewritten after every epoch. */
  project: { key: string; value: Omit<SavedProject, 'dataset'> };
  /** The dataset as the project refers to it, with a dropped zip's bytes: written once per run. */
  dataset: { key: string; value: DatasetRef };
  /** The trained model's files (`model.json`, `weights.bin`, `studio.json`), written when a run ends. */
  files: { key: string; value: Record<string, Uint8Array> };
  /** The run's checkpoints by epoch: the last two finished epochs (one when storage is short). */
  checkpoints: { key: number; value: Checkpoint };
}

/** Checkpoints kept: the newest, and the one before in case the newest write is cut short. */
const KEEP = 2;

/** The browser refused to store more (its quota for this site is used up). */
export class StorageFull extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageFull';
  }
}

const isQuotaError = (e: unknown) => (e as { name?: string })?.name === 'QuotaExceededError';

let db: ReturnType<typeof openDB<ProjectDB>> | null = null;

function open() {
  db ??= openDB<ProjectDB>('transfer-studio-project', 2, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        d.createObjectStore('project');
        d.createObjectStore('dataset');
        d.createObjectStore('files');
      }
      if (oldVersion < 2) d.createObjectStore('checkpoints');
    },
  });
  return db;
}

/** Starts a new project: forgets the last one and keeps the dataset the new run trains on. */
export async function startProject(dataset: DatasetRef): Promise<void> {
  const d = await open();
  const tx = d.transaction(['project', 'dataset', 'files', 'checkpoints'], 'readwrite');
  await Promise.all([
    tx.objectStore('project').delete(KEY),
    tx.objectStore('files').delete(KEY),
    tx.objectStore('checkpoints').clear(),
    tx.objectStore('dataset').put(dataset, KEY),
    tx.done,
  ]);
}

/**
 * Stores the checkpoint of a finished epoch and prunes all but the last `KEEP`. When the quota is used up,
 * every older checkpoint is pruned and the write tried once more; if it still does not fit, `StorageFull` says
 * so (the newest earlier checkpoint is kept: nothing saved is lost). Resolves with the epochs pruned for space.
 */
export async function saveCheckpoint(checkpoint: Checkpoint): Promise<{ prunedForSpace: number[] }> {
  const d = await open();
  const put = async () => {
    const tx = d.transaction('checkpoints', 'readwrite');
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
  };
  try {
    await put();
    return { prunedForSpace: [] };
  } catch (e) {
    if (!isQuotaError(e)) throw e;
  }
  const older = (await d.getAllKeys('checkpoints')).filter((epoch) => epoch < checkpoint.epoch).sort((a, b) => b - a);
  // Keeps the newest older one until the new one is in: never fewer checkpoints than before.
  const prunable = older.slice(1);
  await Promise.all(prunable.map((epoch) => d.delete('checkpoints', epoch)));
  try {
    await put();
    return { prunedForSpace: prunable };
  } catch (e) {
    if (!isQuotaError(e)) throw e;
    const kept = older[0];
    throw new StorageFull(
      `Storage is full: the checkpoint of epoch ${checkpoint.epoch} could not be saved` +
        (kept ? `; a reload would go back to epoch ${kept}.` : '; a reload would start this run again.') +
        ' Free space for this site in the browser\'s settings to keep checkpoints.',
    );
  }
}

/** The newest checkpoint of the current project, if any. */
export async function loadCheckpoint(): Promise<Checkpoint | null> {
  const d = await open();
  const epochs = await d.getAllKeys('checkpoints');
  if (!epochs.length) return null;
  return (await d.get('checkpoints', Math.max(...epochs))) ?? null;
}

/** Forgets the run's checkpoints (once its trained weights are saved). */
export async function clearCheckpoints(): Promise<void> {
  await (await open()).clear('checkpoints');
}

/** Saves the project's records; its `dataset` is taken from `startProject`, not written again. */
export async function saveProject(project: SavedProject): Promise<void> {
  const { dataset: _, ...records } = project;
  await (await open()).put('project', records, KEY);
}

export async function saveModelFiles(files: Record<string, Uint8Array>): Promise<void> {
  await (await open()).put('files', files, KEY);
}

export async function loadProject(): Promise<{ project: SavedProject; files: Record<string, Uint8Array> | null } | null> {
  const d = await open();
  const [project, dataset, files] = await Promise.all([d.get('project', KEY), d.get('dataset', KEY), d.get('files', KEY)]);
  if (!project || project.version !== 1 || !dataset) return null;
  return { project: { ...project, dataset }, files: files ?? null };
}
