import { useShallow } from 'zustand/react/shallow';
import { backendSummary } from '../backendSummary';
import { useStudio } from '../store';

/** Where the studio runs, in plain words; the technical reason (backend, adapter, what was refused) in its details. */
export function BackendBadge() {
  const { status, choice, error } = useStudio(
    useShallow((s) => ({ status: s.backendStatus, choice: s.backendChoice, error: s.backendError })),
  );
  return (
    <div className={`badge badge-${status}`} data-testid="backend-badge" role="status" aria-live="polite">
      {status === 'ready' && choice ? (
        <>
          <span className="badge-summary" data-testid="backend-summary">
            {backendSummary(choice)}
          </span>
          <details className="badge-details">
            <summary>why</summary>
            <span className="badge-name">{choice.backend}</span> <span className="badge-reason">{choice.reason}</span>
            {choice.adapter ? <span className="badge-extra"> · adapter: {choice.adapter}</span> : null}
            <ul>
              {choice.tried.map((t) => (
                <li key={t.backend}>
                  {t.backend}: {t.ok ? 'ok' : 'refused'} — {t.reason}
                </li>
              ))}
            </ul>
          </details>
        </>
      ) : status === 'error' ? (
        <span className="badge-reason">No backend: {error}</span>
      ) : (
        <span className="badge-reason">Starting backend…</span>
      )}
    </div>
  );
}
