import type { StateCreator } from 'zustand';
import type { DatasetReport, LayoutName } from '../../engine/data';
import type { DatasetSource } from '../../workers/trainer.worker';
import { datasetCache } from '../datasetCache';
import { readingProgress, type ReadingProgress } from '../training/readingProgress';
import { keepsModel, taskModel } from '../training/taskModel';
import { trainerWorker } from '../trainerWorkerClient';
import type { StudioState } from './index';

/** The sample datasets in `public/samples/` (subsets of the shared zips), by file name without `.zip`. */
export const SAMPLES = [
  { name: 'cats-dogs', title: 'Cats vs dogs' },
  { name: 'facial-keypoints', title: 'Facial keypoints' },
  { name: 'age-gender', title: 'Age + gender' },
] as const;
export type SampleName = (typeof SAMPLES)[number]['name'];

export interface DatasetSlice {
  datasetStatus: 'idle' | 'reading' | 'ready' | 'error';
  /** What is being read or was read (zip or folder name). */
  datasetName: string | null;
  /** The reading phase: images read of all, with the time so far and left (the Train panel's first phase). */
  datasetProgress: ReadingProgress | null;
  /** The report of the dataset read; its items stay in the trainer worker (the grid asks for the ones it shows). */
  datasetReport: DatasetReport | null;
  datasetError: string | null;
  /** Split shown in the thumbnail grid. */
  viewSplit: string | null;
  /** Images added to the dataset (camera captures), one list of paths per `addImages`, oldest first: what Undo takes back. */
  datasetAdded: string[][];
  /** An `addImages` or its undo going on, or why the last one failed. */
  datasetAddStatus: 'idle' | 'adding' | 'error';
  datasetAddError: string | null;
  /**
   * Reads a zip (dropped, picked) or a dropped folder's files. It becomes the project (a reload brings it back)
   * and the last dataset's run is forgotten, unless it is the saved project's own dataset coming back (`reopen`).
   */
  openDataset(source: DatasetSource, options?: OpenOptions): Promise<void>;
  /** Fetches and reads one of the samples (as `openDataset`). */
  openSample(name: SampleName, options?: OpenOptions): Promise<void>;
  /** Reads the current dataset again as `layout` (the user's answer when detection was ambiguous). */
  chooseLayout(layout: LayoutName): Promise<void>;
  setViewSplit(split: string): void;
  /** Adds encoded images (camera captures) to class `className` (a new name makes a new class) as training images. */
  addImages(className: string, images: Blob[]): Promise<void>;
  /** Takes the last `addImages` back. */
  undoAddImages(): Promise<void>;
  resetDataset(): void;
}

export interface OpenOptions {
  /** The saved project's dataset, read again after a reload: its run is kept, not forgotten. */
  reopen?: boolean;
}

export const initialDatasetState = {
  datasetStatus: 'idle' as DatasetSlice['datasetStatus'],
  datasetName: null as string | null,
  datasetProgress: null as ReadingProgress | null,
  datasetReport: null as DatasetReport | null,
  datasetError: null as string | null,
  viewSplit: null as string | null,
  datasetAdded: [] as string[][],
  datasetAddStatus: 'idle' as DatasetSlice['datasetAddStatus'],
  datasetAddError: null as string | null,
};

/** The open dataset's File or Blob (a reference, not its bytes): kept here, not in the store, which holds plain data only. */
let currentSource: DatasetSource | null = null;
/** The sample the open dataset came from, if it did: a saved project refers to it by name. */
let currentSample: SampleName | null = null;
let generation = 0;

/** The source of the open dataset, which a saved project refers to. */
export function datasetSource(): DatasetSource | null {
  return currentSource;
}

/** The sample the open dataset is, or null for a dropped or picked one. */
export function datasetSample(): SampleName | null {
  return currentSample;
}

export const createDatasetSlice: StateCreator<StudioState, [], [], DatasetSlice> = (set, get) => {
  async function read(source: DatasetSource, layout?: LayoutName, { reopen = false }: OpenOptions = {}): Promise<void> {
    const mine = ++generation;
    currentSource = source;
    datasetCache.clear();
    set({
      ...initialDatasetState,
      datasetStatus: 'reading',
      datasetName: source.name,
    });
    const started = performance.now();
    try {
      const report = await trainerWorker.openDataset(source, layout, (p) => {
        if (mine === generation && get().datasetStatus === 'reading') set({ datasetProgress: readingProgress(p, performance.now() - started) });
      });
      if (mine !== generation) return;
      set({ datasetStatus: 'ready', datasetReport: report, viewSplit: Object.keys(report.splits)[0] ?? null });
      // Asked before the project starts over, which forgets a trained model: one the user trained stays theirs.
      const s = get();
      const keep = keepsModel({
        backbonePicked: s.backbonePicked,
        trained: s.trained,
        resumable: s.resumable !== null,
        running: s.trainState === 'running' || s.trainState === 'paused',
      });
      if (!reopen) await get().startProjectOnDataset();
      if (mine !== generation) return;
      if (!(await followTask(mine, keep))) void get().refreshProposal();
    } catch (e) {
      if (mine === generation) set({ datasetStatus: 'error', datasetError: (e as Error)?.message ?? String(e) });
    }
  }

  /**
   * The task's default backbone with its head at the proposed input size (the worker's plan with no backbone chosen:
   * what `train --data ZIP` runs): built, in one build whose proposal follows, unless the model is the user's
   * (`keep`): then the model bar offers it (`taskDefault`). False when nothing was built.
   */
  async function followTask(mine: number, keep: boolean): Promise<boolean> {
    set({ taskDefault: null });
    const report = get().datasetReport;
    if (!report?.task || report.ambiguous) return false;
    // No plan (a worker restarted meanwhile): the proposal for the model shown says why, as before.
    const planned = await trainerWorker
      .call((api) => api.proposal({}))
      .then((p) => p.planned)
      .catch(() => null);
    const model = planned && taskModel(planned.model, get().modelConfig, get().catalog);
    if (!model || mine !== generation) return false;
    if (keep) {
      set({ taskDefault: model });
      return false;
    }
    void get().followDataset(model);
    return true;
  }

  /** Runs an edit of the open dataset and shows its new report (the grid and histogram read it again). */
  async function edit(change: () => Promise<{ report: DatasetReport; added: string[][] }>): Promise<void> {
    const mine = generation;
    set({ datasetAddStatus: 'adding', datasetAddError: null });
    try {
      const { report, added } = await change();
      if (mine !== generation) return;
      currentSource = trainerWorker.openSource() ?? currentSource;
      datasetCache.clear();
      set({ datasetReport: report, datasetAdded: added, datasetAddStatus: 'idle' });
      // More images (or a new class) can change the proposed recipe, as a new dataset does.
      void get().refreshProposal();
    } catch (e) {
      if (mine === generation) set({ datasetAddStatus: 'error', datasetAddError: (e as Error)?.message ?? String(e) });
    }
  }

  /** A backbone picked for the dataset shown is not a pick for the next one (one picked before any dataset is). */
  function forgetPickFor(options: OpenOptions = {}): void {
    if (!options.reopen && get().datasetReport) set({ backbonePicked: false });
  }

  return {
    ...initialDatasetState,
    openDataset(source, options) {
      forgetPickFor(options);
      currentSample = null;
      return read(source, undefined, options);
    },
    async openSample(name, options) {
      forgetPickFor(options);
      const file = `${name}.zip`;
      set({ ...initialDatasetState, datasetStatus: 'reading', datasetName: file });
      try {
        const response = await fetch(`${import.meta.env.BASE_URL}samples/${file}`);
        if (!response.ok) throw new Error(`could not load the sample ${file} (HTTP ${response.status})`);
        const blob = await response.blob();
        currentSample = name;
        await read({ kind: 'zip', name: file, blob }, undefined, options);
      } catch (e) {
        set({ datasetStatus: 'error', datasetError: (e as Error).message });
      }
    },
    async chooseLayout(layout) {
      if (currentSource) await read(currentSource, layout, { reopen: true });
    },
    setViewSplit: (split) => set({ viewSplit: split }),
    addImages: (className, images) =>
      edit(async () => {
        const { report, added } = await trainerWorker.addImages(className, images);
        return { report, added: [...get().datasetAdded, added.map((a) => a.path)] };
      }),
    undoAddImages() {
      const last = get().datasetAdded.at(-1);
      if (!last) return Promise.resolve();
      return edit(async () => ({ report: await trainerWorker.removeImages(last), added: get().datasetAdded.slice(0, -1) }));
    },
    resetDataset() {
      generation++;
      currentSource = null;
      currentSample = null;
      trainerWorker.closeDataset();
      datasetCache.clear();
      set({ ...initialDatasetState, taskDefault: null });
    },
  };
};
