import { BatchPredict } from './BatchPredict';
import { TestEvaluation } from './TestEvaluation';
import './results.css';

/** The Results step: Evaluate on test (metrics, confusion matrix, top losses) and batch predict. */
export function ResultsPanel() {
  return (
    <section className="panel results-panel" aria-label="Evaluation">
      <header className="panel-head">
        <h2>Results</h2>
      </header>
      <TestEvaluation />
      <BatchPredict />
    </section>
  );
}
