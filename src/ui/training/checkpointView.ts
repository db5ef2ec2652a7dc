import { Report } from '../../engine/train/report';
import type { CheckpointSummary } from '../../workers/trainer.worker';
import type { EpochSummary } from './runView';

/** The epoch table of a run as its checkpoint saved it (best: the run's best epoch up to then). */
export function epochsOf(checkpoint: CheckpointSummary): EpochSummary[] {
  const report = Report.fromJSON(checkpoint.report);
  return checkpoint.history.map((val, i) => ({
    epoch: i + 1,
    averages: report.reportAvgs(i + 1),
    val,
    seconds: checkpoint.epochSeconds[i] ?? 0,
    best: checkpoint.best?.epoch === i + 1,
  }));
}
