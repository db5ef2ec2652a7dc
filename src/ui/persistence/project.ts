import type { ModelConfig } from '../../engine/models';
import { Report, type ReportData, type ReportPoint, type TrainConfig, type TrainState } from '../../engine/train';
import type { HyperEdits } from '../training/hyperParams';
import type { EpochSummary, RunView } from '../training/runView';

/** Where the project's dataset comes from: a sample by name, or the dropped zip/folder itself. */
export type DatasetRef =
  | { kind: 'sample'; name: string }
  | { kind: 'zip'; name: string; blob: Blob }
  | { kind: 'folder'; name: string; files: { path: string; blob: Blob }[] };

/** A trained project as IndexedDB keeps it (the weights are stored beside it, see projectDb). */
export interface SavedProject {
  version: 1;
  savedAt: number;
  dataset: DatasetRef;
  /** The model trained: backbone, head, input size and the tree's freeze ops. */
  model: ModelConfig;
  run: TrainConfig;
  /** The user's edits to the proposed hyper-parameters (projects saved before kept every field here). */
  hyper: HyperEdits;
  state: TrainState;
  message: string | null;
  /** The run's Report as the worker's `Report.toJSON()` gave it. */
  report: ReportData;
  epochs: EpochSummary[];
  samples: RunView['samples'];
}

/** A saved Report (`Report.toJSON`) → the store's per-key records, as the charts draw them. */
export function seriesOf(data: ReportData): Record<string, ReportPoint[]> {
  const report = Report.fromJSON(data);
  return Object.fromEntries(report.keys().map((key) => [key, report.records(key)]));
}
