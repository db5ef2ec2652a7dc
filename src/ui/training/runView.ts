import type { ReportPoint, SamplePrediction, TrainEvent, TrainState } from '../../engine/train';
import type { TrunkEngineName } from '../../engine/train/trunkRunner';
type TrainProgressPhase = Extract<TrainEvent, { type: 'progress' }>['phase'];
import type { Evaluation } from '../../engine/tasks';

/** One finished epoch, as the trainer's `epoch` event tells it. */
export interface EpochSummary {
  epoch: number;
  averages: Record<string, number>;
  val: Evaluation;
  seconds: number;
  best: boolean;
  /** What picked the kept epoch and its best value so far (absent in projects saved before it was sent). */
  keptBy?: { metric: string; value: number | undefined };
}

/** What a run looks like to the UI: plain data, built from the trainer's events. */
export interface RunView {
  trainState: TrainState;
  trainMessage: string | null;
  progress: { phase: TrainProgressPhase; done: number; total: number } | null;
  /** Report records by key (`trn_loss`, `val_loss`, …): the per-batch chart points. */
  series: Record<string, ReportPoint[]>;
  epochs: EpochSummary[];
  samples: { epoch: number; best: SamplePrediction[]; worst: SamplePrediction[] } | null;
  /** The test split, scored once after the run's last epoch: its size and metrics. */
  testEvaluation: Evaluation | null;
  /** Milliseconds of training spent and left, as the last record gave them. */
  eta: { elapsedMs: number; etaMs: number } | null;
  /** What the run told the user besides its state: a restarted backend, a lowered batch size, storage. */
  notices: string[];
  /** Who runs the frozen trunk for the feature cache, and why (absent before the run says). */
  trunk: { engine: TrunkEngineName; label: string; why: string } | null;
}

export const initialRunView: RunView = {
  trainState: 'idle',
  trainMessage: null,
  progress: null,
  series: {},
  epochs: [],
  samples: null,
  testEvaluation: null,
  eta: null,
  notices: [],
  trunk: null,
};

/**
 * Folds a batch of trainer events into the run view. Returns only the fields that changed, so one store
 * update carries many per-batch records (the client buffers them) and untouched arrays keep their identity.
 */
export function applyEvents(view: RunView, events: TrainEvent[]): Partial<RunView> {
  const out: Partial<RunView> = {};
  let series: Record<string, ReportPoint[]> | null = null;
  for (const e of events) {
    switch (e.type) {
      case 'state':
        out.trainState = e.state;
        out.trainMessage = e.message ?? null;
        if (e.state !== 'running' && e.state !== 'paused') out.progress = null;
        break;
      case 'progress':
        out.progress = { phase: e.phase, done: e.done, total: e.total };
        break;
      case 'record': {
        series ??= { ...view.series };
        for (const [key, value] of Object.entries(e.values)) {
          // Copy a key's array once per fold, then append to the copy.
          const points: ReportPoint[] = series[key] === view.series[key] ? [...(series[key] ?? [])] : series[key];
          points.push({ pos: e.pos, value });
          series[key] = points;
        }
        out.eta = { elapsedMs: e.elapsedMs, etaMs: e.etaMs };
        break;
      }
      case 'epoch': {
        const epochs = out.epochs ?? view.epochs;
        out.epochs = [...epochs, { epoch: e.epoch, averages: e.averages, val: e.val, seconds: e.seconds, best: e.best, keptBy: e.keptBy }];
        break;
      }
      case 'samples':
        out.samples = { epoch: e.epoch, best: e.best, worst: e.worst };
        break;
      case 'resume': {
        // What came after the checkpoint (part of an epoch) is void: the run trains it again.
        const current: Record<string, ReportPoint[]> = series ?? view.series;
        series = Object.fromEntries(Object.entries(current).map(([key, points]) => [key, points.filter((p) => p.pos <= e.epoch)]));
        out.epochs = (out.epochs ?? view.epochs).filter((summary) => summary.epoch <= e.epoch);
        break;
      }
      case 'test':
        out.testEvaluation = e.evaluation;
        break;
      case 'notice':
        out.notices = [...(out.notices ?? view.notices), e.message];
        break;
      case 'trunk':
        out.trunk = { engine: e.engine, label: e.label, why: e.why };
        break;
    }
  }
  if (series) out.series = series;
  return out;
}
