import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ClassBars } from '../components/PredictionView';
import { useStudio } from '../store';
import type { Prediction } from '../../engine/tasks';
import { CameraView } from './CameraView';
import { grabFrame, hasFrame, LIVE_INTERVAL_MS } from './frames';
import { useCamera } from './useCamera';
import { useFrameLoop } from './useFrameLoop';
import './webcam.css';

/** One live prediction in a line or a few bars. */
function LiveResult({ prediction }: { prediction: Prediction }) {
  switch (prediction.task) {
    case 'classification':
      return (
        <div>
          <p data-testid="live-label">
            <strong>{prediction.classes[prediction.label]}</strong>
          </p>
          <ClassBars prediction={prediction} />
        </div>
      );
    case 'age-gender':
      return (
        <p data-testid="live-label">
          <strong>{prediction.age.toFixed(1)} years</strong> · <strong>{prediction.gender}</strong>
        </p>
      );
    case 'keypoints':
      return <p data-testid="live-label">{prediction.points.length} points</p>;
  }
}

/** Predict: the trained model on the camera's frames, at most 4 a second, its answer updated as they come. */
export function LivePredict({ ready }: { ready: boolean }) {
  const { prediction, count, error, predictFrame, stopLive } = useStudio(
    useShallow((s) => ({
      prediction: s.webcamPrediction,
      count: s.webcamPredictions,
      error: s.webcamPredictError,
      predictFrame: s.predictFrame,
      stopLive: s.stopLivePrediction,
    })),
  );
  const camera = useCamera();
  const live = ready && camera.state === 'on';
  useEffect(() => {
    if (!live) stopLive();
  }, [live, stopLive]);
  useFrameLoop(live, LIVE_INTERVAL_MS, async () => {
    const video = camera.videoRef.current;
    if (hasFrame(video)) await predictFrame(await grabFrame(video));
  });

  return (
    <div className="webcam-panel" role="group" aria-label="Predict from the camera">
      <h3>Predict from the camera</h3>
      {ready ? (
        <div className="webcam-live">
          <CameraView camera={camera} />
          {live && prediction ? (
            <div data-testid="live-prediction" data-count={count}>
              <LiveResult prediction={prediction} />
            </div>
          ) : null}
          {live && error ? (
            <p className="camera-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted">Train a model first.</p>
      )}
    </div>
  );
}
