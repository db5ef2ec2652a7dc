import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { hasTrainedModel } from '../store/trainingSlice';

/**
 * "Download model": the trained model as a zip of model.json, weights.bin and studio.json (tfjs); "Download as
 * ONNX": the same model as one .onnx file (NCHW input, preprocessing and labels in its metadata); "Export to
 * PyTorch": a zip of a PyTorch project (model.py, weights.safetensors, train.py for torchrun) with the run's recipe.
 */
export function DownloadModel() {
  const { ready, downloadZip, downloadOnnx, downloadPytorch } = useStudio(
    useShallow((s) => ({
      ready: hasTrainedModel(s) && s.trainState !== 'running' && s.trainState !== 'paused',
      downloadZip: s.downloadModel,
      downloadOnnx: s.downloadOnnx,
      downloadPytorch: s.downloadPytorch,
    })),
  );
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const run = (download: () => Promise<void>) => {
    setError(null);
    setExporting(true);
    download()
      .catch((e: Error) => setError(e.message))
      .finally(() => setExporting(false));
  };
  return (
    <span className="download">
      <button type="button" disabled={!ready || exporting} onClick={() => run(downloadZip)}>
        Download model
      </button>
      <button type="button" disabled={!ready || exporting} onClick={() => run(downloadOnnx)} title="One .onnx file: NCHW input, dynamic batch, preprocessing and class names in its metadata">
        Download as ONNX
      </button>
      <button type="button" disabled={!ready || exporting} onClick={() => run(downloadPytorch)} title="A zip of a PyTorch project: model.py, weights.safetensors and train.py (torchrun, DDP) with this run's recipe">
        Export to PyTorch
      </button>
      {error ? <span className="train-error">{error}</span> : null}
    </span>
  );
}
