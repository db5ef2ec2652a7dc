import { transfer } from 'comlink';
import type { StateCreator } from 'zustand';
import type { DatasetItem } from '../../engine/data';
import type { Prediction } from '../../engine/tasks';
import { modelWorker } from '../workerClient';
import type { StudioState } from './index';

/** One image's prediction as the Predict panel shows it. */
export interface PredictionView {
  /** File name of the image. */
  name: string;
  /** Object URL of the image the user gave (revoked when the next one comes). */
  url: string;
  result: Prediction;
  /** The dataset's own label of an image of the same name, when there is one. */
  truth: DatasetItem | null;
}

export interface PredictSlice {
  prediction: PredictionView | null;
  predictStatus: 'idle' | 'predicting' | 'error';
  predictError: string | null;
  /** Predicts a dropped or picked image with the trained model, decoded with the run's task. */
  predictFile(file: File): Promise<void>;
  resetPredict(): void;
}

export const initialPredictState = {
  prediction: null as PredictionView | null,
  predictStatus: 'idle' as PredictSlice['predictStatus'],
  predictError: null as string | null,
};

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export const createPredictSlice: StateCreator<StudioState, [], [], PredictSlice> = (set, get) => ({
  ...initialPredictState,

  async predictFile(file) {
    const run = get().runConfig;
    if (!run) return;
    set({ predictStatus: 'predicting', predictError: null });
    try {
      const bytes = await file.arrayBuffer();
      const result = await modelWorker.call<Prediction>((api) => api.predict(transfer(bytes, [bytes]), run.task, run.ctx));
      const truth = get().datasetItems.find((i) => baseName(i.path) === file.name) ?? null;
      const previous = get().prediction;
      if (previous) URL.revokeObjectURL(previous.url);
      set({ prediction: { name: file.name, url: URL.createObjectURL(file), result, truth }, predictStatus: 'idle' });
    } catch (e) {
      set({ predictStatus: 'error', predictError: (e as Error)?.message ?? String(e) });
    }
  },

  resetPredict() {
    const previous = get().prediction;
    if (previous) URL.revokeObjectURL(previous.url);
    set(initialPredictState);
  },
});
