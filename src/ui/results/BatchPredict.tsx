import { useShallow } from 'zustand/react/shallow';
import { DropTarget, PickFiles } from '../components/DropTarget';
import { ErrorDetails } from '../components/ErrorDetails';
import { useStudio } from '../store';
import { hasTrainedModel } from '../store/trainingSlice';
import { batchCsv, predictionText, sortedRows, truthText, type BatchSort } from './batchTable';

/** Saves `text` as a CSV file through a Blob link. */
function downloadCsv(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const SORT_TEXT: Record<BatchSort, string> = { confidence: 'confidence', error: 'error' };

/** Predict a folder or zip: every image in a table, sortable by confidence or error, exportable as CSV. */
export function BatchPredict() {
  const { ready, run, status, progress, name, rows, rowsRun, error, sort, predictBatch, sortBatch } = useStudio(
    useShallow((s) => ({
      ready: hasTrainedModel(s) && s.trainState !== 'running' && s.trainState !== 'paused',
      run: s.runConfig,
      status: s.batchStatus,
      progress: s.batchProgress,
      name: s.batchName,
      rows: s.batchRows,
      rowsRun: s.batchRun,
      error: s.batchError,
      sort: s.batchSort,
      predictBatch: s.predictBatch,
      sortBatch: s.sortBatch,
    })),
  );
  const take = (files: ArrayLike<File>) => {
    if (files.length && ready) void predictBatch(Array.from(files));
  };
  const shown = run && rowsRun === run ? sortedRows(rows, sort) : [];
  const failed = shown.filter((r) => r.problem).length;
  const sortButton = (key: BatchSort) => (
    <button type="button" className="sort-button" data-testid={`batch-sort-${key}`} onClick={() => sortBatch(key)}>
      {SORT_TEXT[key]}
      {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </button>
  );
  return (
    <div className="batch-predict">
      <h3>Predict a folder or zip</h3>
      <DropTarget testId="batch-drop" onDrop={(transfer) => take(transfer.files)}>
        <span>{ready ? 'Drop a zip or several images here' : 'Train a model first'}</span>
        <PickFiles
          label="Choose a zip or images…"
          testId="batch-input"
          accept="image/*,.zip,application/zip"
          multiple
          disabled={!ready || status === 'running'}
          onFiles={take}
        />
      </DropTarget>
      {status === 'running' ? (
        <p className="muted" data-testid="batch-progress">
          Predicting {name}… {progress ? `${progress.done}/${progress.total}` : ''}
        </p>
      ) : null}
      {status === 'error' && error ? (
        <div role="alert">
          <p className="train-error">{error.message}</p>
          <ErrorDetails stack={error.stack} testId="batch-error-details" />
        </div>
      ) : null}
      {shown.length ? (
        <>
          <p className="muted" data-testid="batch-summary">
            {name}: {shown.length} images{failed ? `, ${failed} could not be predicted` : ''}
            <button type="button" onClick={() => downloadCsv(batchCsv(shown), `${(name ?? 'predictions').replace(/\.zip$/i, '')}-predictions.csv`)}>
              Export CSV
            </button>
          </p>
          <div className="batch-table-wrap">
            <table className="batch-table" data-testid="batch-table">
              <thead>
                <tr>
                  <th>file</th>
                  <th>prediction</th>
                  <th>{sortButton('confidence')}</th>
                  <th>truth</th>
                  <th>{sortButton('error')}</th>
                  <th>problem</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.path} data-testid="batch-row" data-path={r.path} className={r.problem ? 'batch-failed' : undefined}>
                    <td>{r.path}</td>
                    <td>{r.prediction ? predictionText(r.prediction) : ''}</td>
                    <td data-testid="batch-confidence">{r.confidence !== undefined ? `${(r.confidence * 100).toFixed(1)}%` : ''}</td>
                    <td>{truthText(r)}</td>
                    <td>{r.error !== undefined ? r.error.toFixed(3) : ''}</td>
                    <td>{r.problem ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
