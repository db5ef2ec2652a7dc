import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';

/** Which tfjs backend the worker runs on, and why. */
export function BackendBadge() {
  const { status, choice, error } = useStudio(
    useShallow((s) => ({ status: s.backendStatus, choice: s.backendChoice, error: s.backendError })),
  );
  const details = choice?.tried.map((t) => `${t.backend}: ${t.ok ? 'ok' : 'refused'} — ${t.reason}`).join('\n');
  return (
    <div className={`badge badge-${status}`} data-testid="backend-badge" role="status" aria-live="polite" title={details}>
      {status === 'ready' && choice ? (
        <>
          <span className="badge-name">{choice.backend}</span>
          {choice.threads ? <span className="badge-extra">{choice.threads} threads</span> : null}
          <span className="badge-reason">{choice.reason}</span>
          {choice.adapter ? <span className="badge-extra">adapter: {choice.adapter}</span> : null}
        </>
      ) : status === 'error' ? (
        <span className="badge-reason">No backend: {error}</span>
      ) : (
        <span className="badge-reason">Starting backend…</span>
      )}
    </div>
  );
}
