import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { hasTrainedModel } from '../store/trainingSlice';

/** "Download model": the trained model as a zip of model.json, weights.bin and studio.json. */
export function DownloadModel() {
  const { ready, download } = useStudio(
    useShallow((s) => ({
      ready: hasTrainedModel(s) && s.trainState !== 'running' && s.trainState !== 'paused',
      download: s.downloadModel,
    })),
  );
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="download">
      <button
        type="button"
        disabled={!ready}
        onClick={() => {
          setError(null);
          download().catch((e: Error) => setError(e.message));
        }}
      >
        Download model
      </button>
      {error ? <span className="train-error">{error}</span> : null}
    </span>
  );
}
