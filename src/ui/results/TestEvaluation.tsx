import { useShallow } from 'zustand/react/shallow';
import { confusionCell, mostConfused, type Interpretation } from '../../engine/train';
import { ErrorDetails } from '../components/ErrorDetails';
import { useStudio } from '../store';
import { hasTrainedModel } from '../store/trainingSlice';
import { InterpretedGallery } from './InterpretedThumb';

/** Top losses shown at once. */
const TOP_LOSSES = 12;

/** How each metric key reads, and how many decimals it gets. */
const METRIC_TEXT: Record<string, { label: string; digits: number }> = {
  accuracy: { label: 'accuracy', digits: 3 },
  nme: { label: 'NME', digits: 3 },
  maePx: { label: 'MAE (px)', digits: 1 },
  ageMae: { label: 'age MAE (years)', digits: 2 },
  genderAccuracy: { label: 'gender accuracy', digits: 3 },
};

function Metrics({ result }: { result: Interpretation }) {
  return (
    <dl className="test-metrics" data-testid="test-metrics">
      <div>
        <dt>images</dt>
        <dd>{result.evaluation.n}</dd>
      </div>
      {Object.entries(result.evaluation.metrics).map(([key, value]) => (
        <div key={key} data-testid={`test-metric-${key}`}>
          <dt>{METRIC_TEXT[key]?.label ?? key}</dt>
          <dd>{value.toFixed(METRIC_TEXT[key]?.digits ?? 3)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The test split's confusion matrix; a click on a cell shows its images. */
function TestConfusion({ result, classes }: { result: Interpretation; classes: string[] }) {
  const { selected, select } = useStudio(useShallow((s) => ({ selected: s.selectedCell, select: s.selectCell })));
  const confusion = result.evaluation.confusion!;
  const max = Math.max(1, ...confusion.flat());
  const pairs = mostConfused(confusion, classes).slice(0, 5);
  const cellItems = selected ? confusionCell(result.items, selected[0], selected[1]) : [];
  return (
    <div className="confusion">
      <table data-testid="test-confusion-matrix">
        <thead>
          <tr>
            <th>true \ predicted</th>
            {classes.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, t) => (
            <tr key={classes[t]}>
              <th>{classes[t]}</th>
              {row.map((n, p) => {
                const isSelected = selected?.[0] === t && selected[1] === p;
                return (
                  <td
                    key={p}
                    className={`${t === p ? 'diag' : ''}${isSelected ? ' selected' : ''}`}
                    style={{ background: `rgba(47, 111, 237, ${(0.08 + (0.6 * n) / max).toFixed(2)})` }}
                  >
                    <button
                      type="button"
                      className="cell-button"
                      data-testid={`test-cm-${classes[t]}-${classes[p]}`}
                      aria-pressed={isSelected}
                      aria-label={`${n} ${classes[t]} predicted ${classes[p]}: show them`}
                      onClick={() => select(isSelected ? null : [t, p])}
                    >
                      {n}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {pairs.length ? (
        <p className="muted" data-testid="most-confused">
          Most confused: {pairs.map((c) => `${c.truth} → ${c.predicted} (${c.count})`).join(', ')}
        </p>
      ) : (
        <p className="muted" data-testid="most-confused">No mistakes on the test split.</p>
      )}
      {selected ? (
        <div className="gallery-row">
          <h3>
            {classes[selected[0]]} predicted {classes[selected[1]]}
          </h3>
          <InterpretedGallery items={cellItems} testId="cell-items" empty="No images in this cell." />
        </div>
      ) : null}
    </div>
  );
}

/** What the worst images are called for each task. */
const WORST_TITLE = { classification: 'Top losses', keypoints: 'Worst faces', 'age-gender': 'Largest errors' } as const;

/** Evaluate on test: the trained model scored on the dataset's test split, with its confusion matrix and worst images. */
export function TestEvaluation() {
  const { ready, run, status, progress, result, resultRun, error, tta, evaluateTest, setTta } = useStudio(
    useShallow((s) => ({
      ready: hasTrainedModel(s) && s.trainState !== 'running' && s.trainState !== 'paused',
      run: s.runConfig,
      status: s.testStatus,
      progress: s.testProgress,
      result: s.testResult,
      resultRun: s.testRun,
      error: s.testError,
      tta: s.tta,
      evaluateTest: s.evaluateTest,
      setTta: s.setTta,
    })),
  );
  // Results of another run (or of the model before a retrain) are not this model's.
  const shown = result && run && resultRun === run ? result : null;
  return (
    <div className="test-evaluation">
      <div className="results-actions">
        <button type="button" disabled={!ready || status === 'running'} onClick={() => void evaluateTest()}>
          Evaluate on test
        </button>
        <label>
          <input type="checkbox" checked={tta === 'flip'} onChange={(e) => setTta(e.target.checked ? 'flip' : 'none')} /> Flip TTA
        </label>
        {!ready ? <span className="muted">Train a model first</span> : null}
        {status === 'running' ? (
          <span className="muted" data-testid="test-progress">
            Scoring the test split… {progress ? `${progress.done}/${progress.total}` : ''}
          </span>
        ) : null}
      </div>
      {status === 'error' && error ? (
        <div role="alert">
          <p className="train-error">{error.message}</p>
          <ErrorDetails stack={error.stack} testId="test-error-details" />
        </div>
      ) : null}
      {shown && run ? (
        <>
          <Metrics result={shown} />
          {shown.evaluation.confusion && run.ctx.classes ? <TestConfusion result={shown} classes={run.ctx.classes} /> : null}
          <details className="top-losses" data-testid="top-losses">
            <summary>
              {WORST_TITLE[run.task]} ({Math.min(TOP_LOSSES, shown.items.length)} of {shown.items.length})
            </summary>
            <InterpretedGallery items={shown.items.slice(0, TOP_LOSSES)} testId="top-losses-items" empty="No test images." />
          </details>
        </>
      ) : null}
    </div>
  );
}
