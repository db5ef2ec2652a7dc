import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { hasTrainedModel } from '../store/trainingSlice';
import { LivePredict } from '../webcam/LivePredict';
import { DropTarget, PickFiles } from './DropTarget';
import { ErrorDetails } from './ErrorDetails';
import { PredictionView } from './PredictionView';

/** Drop or pick an image: the trained model's prediction on it. */
export function PredictPanel() {
  const { ready, status, error, stack, prediction, predictFile, showInLandmarks } = useStudio(
    useShallow((s) => ({
      ready: hasTrainedModel(s) && s.trainState !== 'running' && s.trainState !== 'paused',
      status: s.predictStatus,
      error: s.predictError,
      stack: s.predictErrorStack,
      prediction: s.prediction,
      predictFile: s.predictFile,
      showInLandmarks: s.showPredictionInLandmarks,
    })),
  );
  const take = (files: ArrayLike<File>) => {
    const file = files[0];
    if (file && ready) void predictFile(file);
  };
  return (
    <section className="panel predict" aria-label="Predict">
      <header className="panel-head">
        <h2>Predict</h2>
      </header>
      <DropTarget testId="predict-drop" onDrop={(transfer) => take(transfer.files)}>
        <span>{ready ? 'Drop an image here' : 'Train a model first'}</span>
        <PickFiles label="Choose an image…" testId="predict-input" accept="image/*" disabled={!ready} onFiles={take} />
      </DropTarget>
      {status === 'predicting' ? <p className="muted">Predicting…</p> : null}
      {status === 'error' ? (
        <div role="alert">
          <p className="train-error">{error}</p>
          <ErrorDetails stack={stack} testId="predict-error-details" />
        </div>
      ) : null}
      {prediction ? <PredictionView url={prediction.url} prediction={prediction.result} truth={prediction.truth} /> : null}
      {prediction?.result.task === 'keypoints' && prediction.result.points.length === 68 ? (
        <button type="button" onClick={() => void showInLandmarks()}>
          Show in Landmarks
        </button>
      ) : null}
      <LivePredict ready={ready} />
    </section>
  );
}
