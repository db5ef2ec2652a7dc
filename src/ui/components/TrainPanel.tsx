import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { taskNameOf } from '../training/hyperParams';
import { DownloadModel } from './DownloadModel';
import { FaceCropOption } from './FaceCropOption';
import { FineTuneOptions } from './FineTuneOptions';
import { HyperParams } from './HyperParams';
import { LrFinder } from './LrFinder';
import { ShowBatch } from './ShowBatch';
import { TrainControls } from './TrainControls';
import { TrainProgress } from './TrainProgress';

/** The training step: the dataset's task, the hyper-parameters, the controls and where the run is. */
export function TrainPanel() {
  const { datasetTask, preset, restored } = useStudio(
    useShallow((s) => ({ datasetTask: s.datasetReport?.task ?? null, preset: s.modelConfig?.preset, restored: s.restored })),
  );
  return (
    <section className="panel train-panel" aria-label="Training">
      <header className="panel-head">
        <h2>Train</h2>
        {datasetTask ? (
          <span className="muted" data-testid="train-task">
            task: {taskNameOf(datasetTask)} ({datasetTask})
            {preset && preset !== datasetTask ? ` — the ${preset} head is switched to ${datasetTask} on start` : ''}
          </span>
        ) : (
          <span className="muted">Open a dataset to train on it.</span>
        )}
        {restored ? <span className="muted">restored from the last session</span> : null}
        <DownloadModel />
      </header>
      <HyperParams />
      <FaceCropOption />
      <FineTuneOptions />
      <LrFinder />
      <ShowBatch />
      <TrainControls />
      <TrainProgress />
    </section>
  );
}
