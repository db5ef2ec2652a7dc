import type { Hook, Learner } from '../fit';
import { prefixMetrics } from '../metricKeys';
import { RATE_KEY } from '../report';
import type { BestEpoch } from './bestEpoch';

/**
 * fastai's Recorder: every batch's losses and learning rate and every epoch's val losses and metrics go into the Report and out as
 * `record` events; an epoch that was validated ends with an `epoch` event (its averages, val, time, best or not).
 */
export function recorder(learner: Learner, best: BestEpoch): Hook {
  const { report } = learner;
  const record = (pos: number, values: Record<string, number>) =>
    learner.emit({ type: 'record', pos, values, line: report.record(pos, values), ...report.times(pos) });
  return {
    name: 'recorder',
    order: -20,
    // `lr`: the rate the batch stepped at (the head's), for the schedule chart.
    onBatchEnd: (ctx) => record(ctx.pos, { ...ctx.logs, [RATE_KEY]: ctx.lr }),
    onEpochEnd(ctx) {
      const { epoch, val, valLosses = [] } = ctx;
      if (!val) return;
      valLosses.forEach((loss, b) => record(epoch - 1 + (b + 1) / valLosses.length, { val_loss: loss }));
      record(epoch, prefixMetrics('val', val.metrics));
      learner.emit({ type: 'epoch', epoch, averages: report.reportAvgs(epoch), val, seconds: ctx.seconds ?? 0, best: best.isBest, keptBy: { metric: best.metric, value: best.value } });
    },
  };
}
