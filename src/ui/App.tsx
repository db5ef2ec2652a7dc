import { BackendBadge } from './components/BackendBadge';
import { BackendPicker } from './components/BackendPicker';
import { ConfusionMatrix } from './components/ConfusionMatrix';
import { DatasetPanel } from './components/DatasetPanel';
import { Gallery } from './components/Gallery';
import { ModelPicker } from './components/ModelPicker';
import { ModuleTree } from './components/ModuleTree';
import { ParamTotals } from './components/ParamTotals';
import { PredictPanel } from './components/PredictPanel';
import { TrainCharts } from './components/TrainCharts';
import { TrainPanel } from './components/TrainPanel';
import { LandmarksPanel } from './landmarks/LandmarksPanel';
import { ResultsPanel } from './results/ResultsPanel';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>Transfer Studio</h1>
        <BackendBadge />
        <BackendPicker />
      </header>
      <main>
        <DatasetPanel />
        <section className="toolbar" aria-label="Model">
          <ModelPicker />
          <ParamTotals />
        </section>
        <ModuleTree />
        <TrainPanel />
        <TrainCharts />
        <div className="results">
          <PredictPanel />
          <ConfusionMatrix />
        </div>
        <ResultsPanel />
        <Gallery />
        <LandmarksPanel />
      </main>
    </div>
  );
}
