import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { CaptureToClass } from '../webcam/CaptureToClass';
import { ClassHistogram } from './ClassHistogram';
import { DatasetSummary } from './DatasetSummary';
import { DropZone } from './DropZone';
import { ProblemsList } from './ProblemsList';
import { SampleButtons } from './SampleButtons';
import { ThumbnailGrid } from './ThumbnailGrid';

/** The dataset step: drop or pick a dataset (or a sample), then its report, histogram, problems and images. */
export function DatasetPanel() {
  const { status, name, progress, error } = useStudio(
    useShallow((s) => ({ status: s.datasetStatus, name: s.datasetName, progress: s.datasetProgress, error: s.datasetError })),
  );
  return (
    <section className="dataset" aria-label="Dataset">
      <DropZone />
      <SampleButtons />
      {status === 'reading' ? (
        <div className="dataset-progress" data-testid="dataset-progress">
          Reading {name}…{' '}
          {progress ? (
            <>
              <progress max={progress.total} value={progress.done} /> {progress.done} / {progress.total} images
            </>
          ) : null}
        </div>
      ) : null}
      {status === 'error' ? (
        <div className="dataset-error" role="alert">
          {name}: {error}
        </div>
      ) : null}
      {status === 'ready' ? (
        <>
          <div className="dataset-overview">
            <div>
              <div className="muted" data-testid="dataset-name">
                {name}
              </div>
              <DatasetSummary />
              <ProblemsList />
            </div>
            <ClassHistogram />
          </div>
          <CaptureToClass />
          <ThumbnailGrid />
        </>
      ) : null}
    </section>
  );
}
