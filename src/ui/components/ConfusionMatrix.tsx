import { useStudio } from '../store';

/** The last epoch's val confusion matrix (rows: true class, columns: predicted), for classification. */
export function ConfusionMatrix() {
  const last = useStudio((s) => s.epochs.at(-1));
  const classes = useStudio((s) => s.runConfig?.ctx.classes);
  const confusion = last?.val.confusion;
  if (!confusion || !classes) return null;
  const max = Math.max(1, ...confusion.flat());
  return (
    <section className="panel confusion" aria-label="Confusion matrix">
      <header className="panel-head">
        <h2>Confusion matrix</h2>
        <span className="muted">val, epoch {last.epoch}</span>
      </header>
      <table data-testid="confusion-matrix">
        <thead>
          <tr>
            <th>true \ predicted</th>
            {classes.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th>accuracy</th>
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, t) => (
            <tr key={classes[t]}>
              <th>{classes[t]}</th>
              {row.map((n, p) => (
                <td
                  key={p}
                  data-testid={`cm-${classes[t]}-${classes[p]}`}
                  className={t === p ? 'diag' : undefined}
                  style={{ background: `rgba(47, 111, 237, ${(0.08 + (0.6 * n) / max).toFixed(2)})` }}
                >
                  {n}
                </td>
              ))}
              <td>{last.val.perClassAccuracy?.[classes[t]] !== undefined ? (last.val.perClassAccuracy[classes[t]] * 100).toFixed(0) + '%' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
