import { proxy } from 'comlink';
import type { StateCreator } from 'zustand';
import type { Interpretation, PredictedFile, TrainConfig, TtaName } from '../../engine/train';
import { errorInfo, type ErrorInfo } from '../errorInfo';
import type { BatchSort } from '../results/batchTable';
import { trainerWorker } from '../trainerWorkerClient';
import type { StudioState } from './index';

/** n of N images done. */
export interface Progress {
  done: number;
  total: number;
}

export interface ResultsSlice {
  /** Flip test-time augmentation for Evaluate on test, batch predict and Predict. */
  tta: TtaName;
  testStatus: 'idle' | 'running' | 'done' | 'error';
  testProgress: Progress | null;
  /** The test split interpreted (metrics, confusion, every image worst first), for `testRun`. */
  testResult: Interpretation | null;
  /** The run whose model `testResult` scored: results of another run (or dataset) are not shown. */
  testRun: TrainConfig | null;
  testError: ErrorInfo | null;
  /** The confusion-matrix cell whose images are shown: [true class, predicted class]. */
  selectedCell: [number, number] | null;

  batchStatus: 'idle' | 'running' | 'done' | 'error';
  batchProgress: Progress | null;
  /** The zip's or the picked files' name. */
  batchName: string | null;
  batchRows: PredictedFile[];
  batchRun: TrainConfig | null;
  batchError: ErrorInfo | null;
  /** Sort key and direction (descending: most confident / largest error first). */
  batchSort: { key: BatchSort; descending: boolean };

  setTta(tta: TtaName): void;
  /** Scores the open dataset's test split with the trained model: metrics, confusion matrix, top losses. */
  evaluateTest(): Promise<void>;
  selectCell(cell: [number, number] | null): void;
  /** Predicts every image of a dropped or picked zip, or of several picked images. */
  predictBatch(files: File[]): Promise<void>;
  sortBatch(key: BatchSort): void;
  resetResults(): void;
}

export const initialResultsState = {
  tta: 'none' as TtaName,
  testStatus: 'idle' as ResultsSlice['testStatus'],
  testProgress: null as Progress | null,
  testResult: null as Interpretation | null,
  testRun: null as TrainConfig | null,
  testError: null as ErrorInfo | null,
  selectedCell: null as [number, number] | null,
  batchStatus: 'idle' as ResultsSlice['batchStatus'],
  batchProgress: null as Progress | null,
  batchName: null as string | null,
  batchRows: [] as PredictedFile[],
  batchRun: null as TrainConfig | null,
  batchError: null as ErrorInfo | null,
  batchSort: { key: 'confidence', descending: true } as ResultsSlice['batchSort'],
};

const isZip = (f: File) => /\.zip$/i.test(f.name) || f.type === 'application/zip';

export const createResultsSlice: StateCreator<StudioState, [], [], ResultsSlice> = (set, get) => ({
  ...initialResultsState,

  setTta: (tta) => set({ tta }),

  async evaluateTest() {
    const run = get().runConfig;
    if (!run || get().testStatus === 'running') return;
    set({ testStatus: 'running', testProgress: null, testError: null, selectedCell: null });
    try {
      const onProgress = (done: number, total: number) => set({ testProgress: { done, total } });
      const result = await trainerWorker.call((api) =>
        api.interpretTest(run.task, run.ctx, { tta: get().tta, batchSize: run.batchSize }, proxy(onProgress)),
      );
      set({ testStatus: 'done', testResult: result, testRun: run, testProgress: null });
    } catch (e) {
      set({ testStatus: 'error', testError: errorInfo(e), testProgress: null });
    }
  },

  selectCell: (cell) => set({ selectedCell: cell }),

  async predictBatch(files) {
    const run = get().runConfig;
    if (!run || files.length === 0 || get().batchStatus === 'running') return;
    const zip = files.length === 1 && isZip(files[0]) ? files[0] : null;
    const name = zip ? zip.name : files.length === 1 ? files[0].name : `${files.length} images`;
    set({ batchStatus: 'running', batchProgress: null, batchName: name, batchRows: [], batchError: null });
    try {
      const source = zip
        ? ({ kind: 'zip', name, blob: zip } as const)
        : ({ kind: 'folder', name, files: files.map((f) => ({ path: f.name, blob: f })) } as const);
      const onProgress = (done: number, total: number) => set({ batchProgress: { done, total } });
      const rows = await trainerWorker.call((api) => api.predictBatch(source, run.task, run.ctx, { tta: get().tta }, proxy(onProgress)));
      set({ batchStatus: 'done', batchRows: rows, batchRun: run, batchProgress: null });
    } catch (e) {
      set({ batchStatus: 'error', batchError: errorInfo(e), batchProgress: null });
    }
  },

  sortBatch: (key) =>
    set((s) => ({ batchSort: { key, descending: s.batchSort.key === key ? !s.batchSort.descending : true } })),

  resetResults: () => set(initialResultsState),
});
