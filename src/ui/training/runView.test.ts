import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../engine/train';
import { applyEvents, initialRunView, type RunView } from './runView';

const record = (pos: number, values: Record<string, number>, etaMs = 3_000): TrainEvent => ({
  type: 'record',
  pos,
  values,
  line: `EPOCH: ${pos.toFixed(3)}`,
  elapsedMs: 1_000,
  etaMs,
});

describe('applyEvents', () => {
  it('appends records per key without touching the previous arrays', () => {
    const first = { ...initialRunView, ...applyEvents(initialRunView, [record(0.5, { trn_loss: 0.7 })]) } as RunView;
    const before = first.series.trn_loss;
    const next = applyEvents(first, [record(1, { trn_loss: 0.6 }), record(1, { val_loss: 0.65 })]);
    expect(before).toEqual([{ pos: 0.5, value: 0.7 }]);
    expect(next.series!.trn_loss).toEqual([
      { pos: 0.5, value: 0.7 },
      { pos: 1, value: 0.6 },
    ]);
    expect(next.series!.val_loss).toEqual([{ pos: 1, value: 0.65 }]);
  });

  it('takes the times of the last record as they come, Infinity before the first position', () => {
    const records = [record(0.25, { trn_loss: 1 }, 36_900), record(0.5, { trn_loss: 1 }, 20_000)];
    expect(applyEvents(initialRunView, records).eta).toEqual({ elapsedMs: 1_000, etaMs: 20_000 });
    expect(applyEvents(initialRunView, [record(0, { trn_loss: 1 }, Infinity)]).eta).toEqual({ elapsedMs: 1_000, etaMs: Infinity });
  });

  it('keeps epochs in order, the latest samples, the test split\'s score, and clears progress when the run ends', () => {
    const val = { n: 2, metrics: { accuracy: 1 } };
    const out = applyEvents(initialRunView, [
      { type: 'state', state: 'running' },
      { type: 'progress', phase: 'cache', done: 3, total: 10 },
      { type: 'epoch', epoch: 1, averages: { trn_loss: 0.5 }, val, seconds: 2, best: true, keptBy: { metric: 'val_accuracy', value: 1 } },
      { type: 'epoch', epoch: 2, averages: { trn_loss: 0.4 }, val, seconds: 1, best: false, keptBy: { metric: 'val_accuracy', value: 1 } },
      { type: 'samples', epoch: 2, best: [], worst: [] },
      { type: 'test', evaluation: { n: 3, metrics: { accuracy: 2 / 3 } } },
      { type: 'state', state: 'done' },
    ]);
    expect(out.epochs!.map((e) => e.epoch)).toEqual([1, 2]);
    expect(out.testEvaluation).toEqual({ n: 3, metrics: { accuracy: 2 / 3 } });
    expect(out.samples!.epoch).toBe(2);
    expect(out.trainState).toBe('done');
    expect(out.progress).toBeNull();
  });

  it('drops what came after the checkpoint a run resumes from, and collects notices', () => {
    const val = { n: 2, metrics: { accuracy: 1 } };
    const before = { ...initialRunView, ...applyEvents(initialRunView, [
      record(1, { trn_loss: 0.7 }),
      { type: 'epoch', epoch: 1, averages: { trn_loss: 0.7 }, val, seconds: 2, best: true, keptBy: { metric: 'val_accuracy', value: 1 } },
      record(1.5, { trn_loss: 0.6 }),
      record(2, { trn_loss: 0.5 }),
      { type: 'epoch', epoch: 2, averages: { trn_loss: 0.55 }, val, seconds: 2, best: true, keptBy: { metric: 'val_accuracy', value: 1 } },
      record(2.5, { trn_loss: 0.4 }),
    ]) } as RunView;
    const out = applyEvents(before, [
      { type: 'notice', message: 'The GPU device was lost' },
      { type: 'resume', epoch: 2 },
      record(2.5, { trn_loss: 0.45 }),
    ]);
    expect(out.series!.trn_loss.map((p) => [p.pos, p.value])).toEqual([[1, 0.7], [1.5, 0.6], [2, 0.5], [2.5, 0.45]]);
    expect(out.epochs!.map((e) => e.epoch)).toEqual([1, 2]);
    expect(out.notices).toEqual(['The GPU device was lost']);
    expect(applyEvents(before, [{ type: 'resume', epoch: 0 }]).series!.trn_loss).toEqual([]);
  });
});
