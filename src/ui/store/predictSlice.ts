import { transfer } from 'comlink';
import type { StateCreator } from 'zustand';
import { printable, type DatasetItem } from '../../engine/data';
import type { TrainConfig, TtaName } from '../../engine/train';
import { errorInfo } from '../errorInfo';
import { trainerWorker } from '../trainerWorkerClient';
import type { PredictedImage } from '../../workers/trainer.worker';
import type { StudioState } from './index';

/** One image's prediction as the Predict panel shows it. */
export interface PredictionView {
  /** File name of the image. */
  name: string;
  /** Object URL of the image the user gave (revoked when the next one comes). */
  url: string;
  /** The prediction, and the face crop the model saw (a model that takes face crops). */
  result: PredictedImage;
  /** The dataset's own label of an image of the same name, when there is one. */
  truth: DatasetItem | null;
}

export interface PredictSlice {
  prediction: PredictionView | null;
  predictStatus: 'idle' | 'predicting' | 'error';
  /** Why the image could not be predicted, after its file name (`cut.jpg: the browser could not decode it`). */
  predictError: string | null;
  /** The stack behind `predictError`, for its details box. */
  predictErrorStack: string | null;
  /** Predicts a dropped or picked image with the trained model, decoded with the run's task. */
  predictFile(file: File): Promise<void>;
  /** Shows the predicted image in the Landmarks panel with the prediction's 68 points beside the pretrained ones. */
  showPredictionInLandmarks(): Promise<void>;
  resetPredict(): void;
}

export const initialPredictState = {
  prediction: null as PredictionView | null,
  predictStatus: 'idle' as PredictSlice['predictStatus'],
  predictError: null as string | null,
  predictErrorStack: null as string | null,
};

/** The trained model's prediction on one encoded image (its bytes transferred), decoded with the run's task. */
export async function predictBlob(blob: Blob, run: TrainConfig, tta: TtaName = 'none'): Promise<PredictedImage> {
  const bytes = await blob.arrayBuffer();
  return trainerWorker.call<PredictedImage>((api) => api.predict(transfer(bytes, [bytes]), run.task, run.ctx, { tta }));
}

/** What the trained keypoint model is called where its points are compared with the pretrained ones. */
export const trainedLabel = (run: TrainConfig) => `trained ${run.model.backbone}`;

/** The file of the prediction shown (kept out of the store, which holds plain data). */
let predicted: File | null = null;

export const createPredictSlice: StateCreator<StudioState, [], [], PredictSlice> = (set, get) => ({
  ...initialPredictState,

  async predictFile(file) {
    const run = get().runConfig;
    if (!run) return;
    set({ predictStatus: 'predicting', predictError: null, predictErrorStack: null });
    try {
      const result = await predictBlob(file, run, get().tta);
      const truth = await trainerWorker.call((api) => api.itemNamed(file.name)).catch(() => null);
      const previous = get().prediction;
      if (previous) URL.revokeObjectURL(previous.url);
      predicted = file;
      set({ prediction: { name: file.name, url: URL.createObjectURL(file), result, truth }, predictStatus: 'idle' });
    } catch (e) {
      const { message, stack } = errorInfo(e);
      set({ predictStatus: 'error', predictError: `${printable(file.name)}: ${message}`, predictErrorStack: stack });
    }
  },

  async showPredictionInLandmarks() {
    const { prediction, runConfig } = get();
    if (!predicted || !runConfig || prediction?.result.task !== 'keypoints') return;
    await get().detectLandmarks(predicted, prediction.name, { label: trainedLabel(runConfig), points: prediction.result.points });
  },

  resetPredict() {
    const previous = get().prediction;
    if (previous) URL.revokeObjectURL(previous.url);
    predicted = null;
    set(initialPredictState);
  },
});
