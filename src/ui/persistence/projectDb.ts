import { openDB, type DBSchema } from 'idb';
import type { DatasetRef, SavedProject } from './project';

/** One project for now ('current'): the dataset opened last, and the records of the run trained on it, if any. */
const KEY = 'current';

/**
 * The page's part of the project: the run's records and the dataset. The run's checkpoints and its trained
 * model are written by the trainer worker where they are made (engine/train/idbRunStore.ts), and read back
 * through it.
 */
interface ProjectDB extends DBSchema {
  /** Everything but the dataset's bytes: small, rewritten after every epoch. */
  project: { key: string; value: Omit<SavedProject, 'dataset'> };
  /** The dataset as the project refers to it, with a dropped zip's bytes: written once per run. */
  dataset: { key: string; value: DatasetRef };
}

let db: ReturnType<typeof openDB<ProjectDB>> | null = null;

function open() {
  db ??= openDB<ProjectDB>('transfer-studio-project', 3, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        d.createObjectStore('project');
        d.createObjectStore('dataset');
      }
      // Versions 1–2 kept the trained model ('files') and the checkpoints here, copied from the worker.
      const old = d as unknown as IDBDatabase;
      for (const store of ['files', 'checkpoints']) if (old.objectStoreNames.contains(store)) old.deleteObjectStore(store);
    },
  });
  return db;
}

/**
 * Starts a new project on `dataset` (opened, or about to be trained on): forgets the last run's records and keeps
 * the dataset, so a reload brings back this dataset and not the last project trained.
 */
export async function startProject(dataset: DatasetRef): Promise<void> {
  const d = await open();
  const tx = d.transaction(['project', 'dataset'], 'readwrite');
  await Promise.all([tx.objectStore('project').delete(KEY), tx.objectStore('dataset').put(dataset, KEY), tx.done]);
}

/** Saves the project's records; its `dataset` is taken from `startProject`, not written again. */
export async function saveProject(project: SavedProject): Promise<void> {
  const { dataset: _, ...records } = project;
  await (await open()).put('project', records, KEY);
}

/** What a reload finds: the dataset opened last and, when a run was trained on it, that project; null when none. */
export async function loadProject(): Promise<{ dataset: DatasetRef; project: SavedProject | null } | null> {
  const d = await open();
  const [project, dataset] = await Promise.all([d.get('project', KEY), d.get('dataset', KEY)]);
  if (!dataset) return null;
  return { dataset, project: project && project.version === 1 ? { ...project, dataset } : null };
}
