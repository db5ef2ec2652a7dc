import { useShallow } from 'zustand/react/shallow';
import { formatRate } from '../../engine/train';
import { useStudio } from '../store';
import { SUGGESTION_DIGITS } from '../store/lrFinderSlice';
import { LrFinderChart } from './LrFinderChart';

const ENDED = { done: 'swept every step', diverged: 'stopped once the loss blew up', cancelled: 'cancelled' } as const;
const PHASES = { faces: 'Finding faces', cache: 'Caching features', sweep: 'Sweeping' } as const;

/**
 * fastai's learning-rate finder in the Train panel: sweep, watch the loss against the rate, take the suggestion
 * with one click (and take it back).
 */
export function LrFinder() {
  const { view, taken, canFind, find, cancel, use, undo } = useStudio(
    useShallow((s) => ({
      view: s.lrFinder,
      taken: s.lrTaken,
      canFind: s.datasetStatus === 'ready' && !!s.datasetReport?.task && s.modelStatus === 'ready' && s.trainState !== 'running' && s.trainState !== 'paused',
      find: s.findLearningRate,
      cancel: s.cancelLrFind,
      use: s.useSuggestedLr,
      undo: s.undoUseLr,
    })),
  );
  const running = view.status === 'running';
  const suggestion = view.result?.suggestion;
  const hasSuggestion = suggestion !== undefined && Number.isFinite(suggestion);
  return (
    <section className="lr-finder" aria-label="Learning-rate finder">
      <div className="train-controls">
        <button type="button" disabled={running || !canFind} onClick={() => void find()}>
          Find learning rate
        </button>
        {running ? (
          <button type="button" onClick={() => void cancel()}>
            Cancel
          </button>
        ) : null}
        {view.progress ? (
          <span className="train-phase" data-testid="lr-finder-progress">
            {PHASES[view.progress.phase]} <progress max={view.progress.total} value={view.progress.done} />{' '}
            {view.progress.done} / {view.progress.total}
          </span>
        ) : null}
        {hasSuggestion ? (
          <button type="button" className="primary" onClick={use} data-testid="lr-use">
            Use {formatRate(suggestion, SUGGESTION_DIGITS)}
          </button>
        ) : null}
        {taken ? (
          <button type="button" onClick={undo} data-testid="lr-undo">
            Undo: learning rate back to {taken.before === undefined ? 'the proposed one' : formatRate(taken.before)}
          </button>
        ) : null}
      </div>
      {view.message ? (
        <p className={view.status === 'failed' ? 'train-error' : 'muted'} data-testid="lr-finder-message">
          {view.message}
        </p>
      ) : null}
      {view.points.length ? (
        <>
          <LrFinderChart points={view.points} suggestion={hasSuggestion ? suggestion : undefined} />
          <p className="muted" data-testid="lr-finder-summary">
            {view.sweptFor}
            {view.result ? ` · ${ENDED[view.result.ended]} after ${view.points.length} steps` : ''}
            {hasSuggestion ? ` · valley ${formatRate(view.result!.valley, 2)}, steepest ${formatRate(view.result!.steep, 2)}` : ''}
          </p>
        </>
      ) : null}
    </section>
  );
}
