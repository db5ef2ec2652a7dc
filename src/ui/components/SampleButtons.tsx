import { SAMPLES } from '../store/datasetSlice';
import { useStudio } from '../store';

/** One click to a small sample dataset (subsets of the book's three datasets). */
export function SampleButtons() {
  const openSample = useStudio((s) => s.openSample);
  const reading = useStudio((s) => s.datasetStatus === 'reading');
  return (
    <div className="samples" role="group" aria-label="Try a sample">
      <span className="muted">Try a sample:</span>
      {SAMPLES.map((s) => (
        <button key={s.name} type="button" disabled={reading} onClick={() => void openSample(s.name)}>
          {s.title}
        </button>
      ))}
    </div>
  );
}
