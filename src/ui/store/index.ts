import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createDatasetSlice, type DatasetSlice } from './datasetSlice';
import { createLandmarksSlice, type LandmarksSlice } from './landmarksSlice';
import { createLrFinderSlice, type LrFinderSlice } from './lrFinderSlice';
import { createShowBatchSlice, type ShowBatchSlice } from './showBatchSlice';
import { createModelSlice, type ModelSlice } from './modelSlice';
import { createPredictSlice, type PredictSlice } from './predictSlice';
import { createResultsSlice, type ResultsSlice } from './resultsSlice';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createWebcamSlice, type WebcamSlice } from '../webcam/webcamSlice';

/** The studio's one store: plain data (no tensors, workers or proxies) and the actions that change it. */
export type StudioState = BackendSlice & ModelSlice & UiSlice & DatasetSlice & TrainingSlice & PredictSlice & ResultsSlice & LandmarksSlice & LrFinderSlice & ShowBatchSlice & WebcamSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createModelSlice(...a),
  ...createUiSlice(...a),
  ...createDatasetSlice(...a),
  ...createTrainingSlice(...a),
  ...createPredictSlice(...a),
  ...createResultsSlice(...a),
  ...createLandmarksSlice(...a),
  ...createLrFinderSlice(...a),
  ...createShowBatchSlice(...a),
  ...createWebcamSlice(...a),
}));

/** Back to a blank studio (tests). */
export function resetStudio(): void {
  const s = useStudio.getState();
  s.resetBackend();
  s.resetModel();
  s.resetUi();
  s.resetDataset();
  s.resetTraining();
  s.resetPredict();
  s.resetResults();
  s.resetLandmarks();
  s.resetLrFinder();
  s.resetShowBatch();
  s.resetWebcam();
}
