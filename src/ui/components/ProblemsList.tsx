import { printable } from '../../engine/data';
import { useStudio } from '../store';

/**
 * One line per problem: file (and CSV line), reason; warnings about kept items are marked as such. Names are shown
 * with control characters escaped, as the CLI prints them.
 */
export function ProblemsList() {
  const problems = useStudio((s) => s.datasetReport?.problems);
  if (!problems) return null;
  return (
    <section className="problems" aria-label="Problems" data-testid="problems">
      <h3>{problems.length === 0 ? 'No problems found' : `Problems (${problems.length})`}</h3>
      {problems.length ? (
        <ul>
          {problems.map((p, i) => (
            <li key={i} className={p.kept ? 'problem-kept' : 'problem-skipped'} data-testid="problem">
              <code>
                {printable(p.file)}
                {p.row !== undefined ? `:${p.row}` : ''}
              </code>{' '}
              {printable(p.reason)}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
