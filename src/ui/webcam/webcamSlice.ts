import { transfer } from 'comlink';
import type { StateCreator } from 'zustand';
import type { Prediction } from '../../engine/tasks';
import { landmarksClient } from '../landmarks/landmarksClient';
import type { StudioState } from '../store';
import { trainerWorker } from '../trainerWorkerClient';

export interface WebcamSlice {
  /** The trained model's prediction on the latest camera frame sent (Predict's live view). */
  webcamPrediction: Prediction | null;
  /** Live predictions made so far (the count shows they keep coming). */
  webcamPredictions: number;
  webcamPredictError: string | null;
  /** Predicts one camera frame (transferred to the trainer worker) with the trained model. */
  predictFrame(frame: ImageBitmap): Promise<void>;
  /**
   * Finds the landmarks of one camera frame (transferred to the landmarks worker) and shows them in the
   * Landmarks views over `snapshot`, the same frame as an image.
   */
  landmarksFrame(frame: ImageBitmap, snapshot: Blob): Promise<void>;
  /** Ends the live prediction view (the camera was stopped). */
  stopLivePrediction(): void;
  resetWebcam(): void;
}

export const initialWebcamState = {
  webcamPrediction: null as Prediction | null,
  webcamPredictions: 0,
  webcamPredictError: null as string | null,
};

const message = (e: unknown) => (e as Error)?.message ?? String(e);

export const createWebcamSlice: StateCreator<StudioState, [], [], WebcamSlice> = (set, get) => ({
  ...initialWebcamState,

  async predictFrame(frame) {
    const run = get().runConfig;
    if (!run) return frame.close();
    try {
      const result = await trainerWorker.call<Prediction>((api) => api.predictFrame(transfer(frame, [frame]), run.task, run.ctx));
      set((s) => ({ webcamPrediction: result, webcamPredictions: s.webcamPredictions + 1, webcamPredictError: null }));
    } catch (e) {
      set({ webcamPredictError: message(e) });
    }
  },

  async landmarksFrame(frame, snapshot) {
    set({ landmarksStatus: get().landmarksResult ? get().landmarksStatus : 'detecting', landmarksError: null });
    try {
      const result = await landmarksClient.detectFrame(frame, get().landmarksMode, get().backendPreference);
      const previous = get().landmarksImage;
      if (previous) URL.revokeObjectURL(previous.url);
      set({ landmarksStatus: 'ready', landmarksImage: { name: 'camera', url: URL.createObjectURL(snapshot) }, landmarksResult: result, landmarksFace: 0 });
    } catch (e) {
      set({ landmarksStatus: 'error', landmarksError: message(e) });
    }
  },

  stopLivePrediction: () => set(initialWebcamState),
  resetWebcam: () => set(initialWebcamState),
});
