import { BackendBadge } from './components/BackendBadge';
import { BackendPicker } from './components/BackendPicker';
import { DatasetPanel } from './components/DatasetPanel';
import { ModelPicker } from './components/ModelPicker';
import { ModuleTree } from './components/ModuleTree';
import { ParamTotals } from './components/ParamTotals';

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
      </main>
    </div>
  );
}
