import { openDB, type DBSchema } from 'idb';
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
}

let db: ReturnType<typeof openDB<ProjectDB>> | null = null;

function open() {
  db ??= openDB<ProjectDB>('transfer-studio-project', 1, {
    upgrade(d) {
      d.createObjectStore('project');
      d.createObjectStore('dataset');
      d.createObjectStore('files');
    },
  });
  return db;
}

/** Starts a new project: forgets the last one and keeps the dataset the new run trains on. */
export async function startProject(dataset: DatasetRef): Promise<void> {
  const d = await open();
  const tx = d.transaction(['project', 'dataset', 'files'], 'readwrite');
  await Promise.all([tx.objectStore('project').delete(KEY), tx.objectStore('files').delete(KEY), tx.objectStore('dataset').put(dataset, KEY), tx.done]);
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
