import { BackendBadge } from './components/BackendBadge';
import { BackendPicker } from './components/BackendPicker';
import { ConfusionMatrix } from './components/ConfusionMatrix';
import { DatasetPanel } from './components/DatasetPanel';
import { Gallery } from './components/Gallery';
import { ModelPicker } from './components/ModelPicker';
import { ModuleTree } from './components/ModuleTree';
import { ParamTotals } from './components/ParamTotals';
import { PredictPanel } from './components/PredictPanel';
import { StepRail } from './components/StepRail';
import { TrainCharts } from './components/TrainCharts';
import { TrainPanel } from './components/TrainPanel';
import { UndoShortcut } from './components/UndoShortcut';
import { LandmarksPanel } from './landmarks/LandmarksPanel';
import { ResultsPanel } from './results/ResultsPanel';
import { stepId } from './steps';

/** The Results step's parts, in order: add a component here to add it to Results. */
const RESULTS = [PredictPanel, ConfusionMatrix, ResultsPanel, Gallery];

export function App() {
  return (
    <div className="app">
      <UndoShortcut />
      <header className="topbar">
        <h1>Transfer Studio</h1>
        <BackendBadge />
        <BackendPicker />
      </header>
      <StepRail />
      <main>
        <div className="step" id={stepId('data')}>
          <DatasetPanel />
        </div>
        <div className="step" id={stepId('model')}>
          <section className="toolbar" aria-label="Model">
            <ModelPicker />
            <ParamTotals />
          </section>
          <ModuleTree />
        </div>
        <div className="step" id={stepId('train')}>
          <TrainPanel />
          <TrainCharts />
        </div>
        <section className="step results" id={stepId('results')} aria-label="Results">
          {RESULTS.map((Part) => (
            <Part key={Part.name} />
          ))}
        </section>
        <div className="step" id={stepId('landmarks')}>
          <LandmarksPanel />
        </div>
      </main>
    </div>
  );
}
