import type { ModelConfig } from '../../engine/models';
import type { ReportData, ReportPoint, TrainConfig, TrainState } from '../../engine/train';
import type { HyperParams } from '../training/hyperParams';
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
  hyper: HyperParams;
  state: TrainState;
  message: string | null;
  /** The Report's records in its own JSON form (`Report.toJSON`). */
  report: ReportData;
  epochs: EpochSummary[];
  samples: RunView['samples'];
}

/** The store's per-key records → `ReportData` (what `Report.fromJSON` reads). */
export function reportData(series: Record<string, ReportPoint[]>, nEpochs: number, epochs: EpochSummary[], elapsedMs: number): ReportData {
  return {
    version: 1,
    nEpochs,
    precision: 3,
    elapsedMs,
    lastEpoch: epochs.at(-1)?.epoch ?? 0,
    metrics: Object.entries(series).map(([key, points]) => ({
      key,
      pos: points.map((p) => p.pos),
      values: points.map((p) => (Number.isNaN(p.value) ? null : p.value)),
    })),
  };
}

/** `ReportData` → the store's per-key records. */
export function seriesOf(data: ReportData): Record<string, ReportPoint[]> {
  return Object.fromEntries(
    data.metrics.map(({ key, pos, values }) => [key, pos.map((p, i) => ({ pos: p, value: values[i] ?? Number.NaN }))]),
  );
}
