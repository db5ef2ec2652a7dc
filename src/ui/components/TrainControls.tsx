import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';

/** Start, Pause / Resume and Stop of the run. */
export function TrainControls() {
  const { state, canStart, start, pause, resume, stop, resumable, canContinue, continueRun } = useStudio(
    useShallow((s) => ({
      state: s.trainState,
      // The learning-rate finder uses the model while it sweeps.
      canStart: s.datasetStatus === 'ready' && !!s.datasetReport?.task && s.modelStatus === 'ready' && s.lrFinder.status !== 'running',
      start: s.startTraining,
      pause: s.pauseTraining,
      resume: s.resumeTraining,
      stop: s.stopTraining,
      resumable: s.resumable,
      canContinue: s.datasetStatus === 'ready' && s.modelStatus === 'ready',
      continueRun: s.continueTraining,
    })),
  );
  const active = state === 'running' || state === 'paused';
  return (
    <div className="train-controls">
      <button type="button" className="primary" disabled={active || !canStart} onClick={() => void start()}>
        {state === 'idle' ? 'Start training' : 'Train again'}
      </button>
      {state === 'paused' ? (
        <button type="button" onClick={() => void resume()}>
          Resume
        </button>
      ) : (
        <button type="button" disabled={state !== 'running'} onClick={() => void pause()}>
          Pause
        </button>
      )}
      <button type="button" disabled={!active} onClick={() => void stop()}>
        Stop
      </button>
      {resumable && !active ? (
        <button type="button" className="primary" disabled={!canContinue} onClick={() => void continueRun()} data-testid="train-continue">
          Resume from epoch {resumable.epoch + 1}
        </button>
      ) : null}
    </div>
  );
}
