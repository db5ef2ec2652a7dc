import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { ErrorDetails } from './ErrorDetails';

const PHASES = { faces: 'Finding faces', cache: 'Caching features', train: 'Training', val: 'Validating', test: 'Testing' } as const;

/** Seconds as `1m 05s` or `12.3s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/**
 * Where the run is: the dataset being read (before a run can start), then state, phase progress (feature cache,
 * train, val, test), epoch and ETA; the test split's score at the end.
 */
export function TrainProgress() {
  const { reading, state, message, stack, progress, eta, epochs, total, notices, test, trunk } = useStudio(
    useShallow((s) => ({
      reading: s.datasetStatus === 'reading' ? s.datasetProgress : null,
      state: s.trainState,
      message: s.trainMessage,
      stack: s.trainErrorStack,
      progress: s.progress,
      eta: s.eta,
      epochs: s.epochs.length,
      total: s.runConfig?.epochs ?? null,
      notices: s.notices,
      test: s.testEvaluation,
      trunk: s.trunk,
    })),
  );
  return (
    <div className="train-progress" role="status" aria-live="polite">
      {reading ? (
        <span className="train-phase" data-testid="train-reading">
          Reading images <progress max={reading.total} value={reading.done} /> {reading.done} / {reading.total} · {formatSeconds(reading.elapsedMs / 1000)} elapsed
          {reading.etaMs !== null ? ` · ${formatSeconds(reading.etaMs / 1000)} left` : ''}
        </span>
      ) : null}
      <span className={`train-state train-${state}`} data-testid="train-state">
        {state}
      </span>
      {total ? (
        <span data-testid="train-epochs">
          epoch {epochs} / {total}
        </span>
      ) : null}
      {progress ? (
        <span className="train-phase" data-testid="train-phase">
          {PHASES[progress.phase]} <progress max={progress.total} value={progress.done} /> {progress.done} / {progress.total}
        </span>
      ) : null}
      {trunk ? (
        <span className="muted" data-testid="train-trunk" title={trunk.why}>
          trunk: {trunk.label} ({trunk.why})
        </span>
      ) : null}
      {eta && (state === 'running' || state === 'paused') ? (
        <span data-testid="train-eta">
          {formatSeconds(eta.elapsedMs / 1000)} elapsed · {formatSeconds(eta.etaMs / 1000)} left
        </span>
      ) : null}
      {test ? (
        <span data-testid="test-evaluation">
          test split: {test.n} images
          {Object.entries(test.metrics).map(([key, value]) => ` · ${key} ${value.toFixed(3)}`)}
        </span>
      ) : null}
      {message ? (
        <span className={state === 'failed' ? 'train-error' : 'muted'} data-testid="train-message">
          {message}
        </span>
      ) : null}
      {state === 'failed' ? <ErrorDetails stack={stack} testId="train-error-details" /> : null}
      {notices.length ? (
        <ul className="train-notices" data-testid="train-notices">
          {notices.map((text, i) => (
            <li key={i}>{text}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
