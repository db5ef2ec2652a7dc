import { useShallow } from 'zustand/react/shallow';
import { printable } from '../../engine/data';
import { useStudio } from '../store';

/** Images per class (or per gender) in each split, as bars. */
export function ClassHistogram() {
  const { report } = useStudio(useShallow((s) => ({ report: s.datasetReport })));
  if (!report || !report.layout) return null;
  const splits = Object.entries(report.splits);
  const rows = splits.flatMap(([split, s]) => {
    const counts = s.classes ?? s.genders;
    return counts ? Object.entries(counts).map(([key, n]) => ({ split, key, n })) : [];
  });
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((r) => r.n), 1);
  return (
    <figure className="histogram" data-testid="class-histogram" aria-label={report.classes ? 'Images per class' : 'Images per gender'}>
      <figcaption className="muted">{report.classes ? 'Images per class' : 'Images per gender'}</figcaption>
      {splits.map(([split]) => (
        <div key={split} className="histogram-split">
          <div className="histogram-split-name">{printable(split)}</div>
          {rows
            .filter((r) => r.split === split)
            .map((r) => (
              <div key={r.key} className="histogram-row" data-testid={`hist-${split}-${r.key}`}>
                <span className="histogram-label">{printable(r.key)}</span>
                <span className="histogram-bar" style={{ width: `${(100 * r.n) / max}%` }} />
                <span className="histogram-count">{r.n}</span>
              </div>
            ))}
        </div>
      ))}
    </figure>
  );
}
