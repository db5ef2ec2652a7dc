import { describe, expect, it } from 'vitest';
import { chartLines, chartMetrics, chartRows, phaseBoundaries, rateLines, smooth, yAxisOf } from './chartSeries';

const pts = (values: number[], step = 0.25) => values.map((value, i) => ({ pos: (i + 1) * step, value }));
const epoch = (n: number, averages: Record<string, number>) => ({ epoch: n, averages, val: { n: 1, metrics: {} }, seconds: 1, best: false });

describe('chartMetrics', () => {
  it('names each metric once, without its trn_/val_ prefix', () => {
    expect(chartMetrics(['trn_loss', 'trn_age_loss', 'val_loss', 'val_accuracy'])).toEqual(['loss', 'age_loss', 'accuracy']);
  });

  it('leaves out keys of no split: the learning rate and the phase marker have charts of their own', () => {
    expect(chartMetrics(['trn_loss', 'lr', 'phase', 'val_loss'])).toEqual(['loss']);
  });
});

describe('phaseBoundaries', () => {
  it("is where fine_tune's phase 2 starts, and nothing for a one-phase run", () => {
    expect(phaseBoundaries({ trn_loss: pts([1, 1]), phase: [{ pos: 2, value: 2 }] })).toEqual([2]);
    expect(phaseBoundaries({ trn_loss: pts([1, 1]) })).toEqual([]);
  });
});

describe('rateLines', () => {
  it("gives each batch's rate and the epoch means, none before the first record", () => {
    const lr = [{ pos: 0.5, value: 1e-4 }, { pos: 1, value: 1e-3 }];
    const lines = rateLines({ lr }, [epoch(1, { lr: 5.5e-4 })]);
    expect(lines.map((l) => [l.id, l.kind, l.points])).toEqual([
      ['lr', 'batch', lr],
      ['lr (epoch)', 'epoch', [{ pos: 1, value: 5.5e-4 }]],
    ]);
    expect(rateLines({}, [])).toEqual([]);
  });
});

describe('smooth', () => {
  it('leaves a constant series constant (debiased) and raw at 0', () => {
    expect(smooth(pts([2, 2, 2]), 0.9).map((p) => p.value)).toEqual([2, 2, 2].map(() => expect.closeTo(2, 10)));
    expect(smooth(pts([1, 3]), 0)).toEqual(pts([1, 3]));
  });

  it('lags a step the more the weight', () => {
    const light = smooth(pts([0, 0, 10]), 0.3).at(-1)!.value;
    const heavy = smooth(pts([0, 0, 10]), 0.9).at(-1)!.value;
    expect(heavy).toBeLessThan(light);
    expect(light).toBeLessThan(10);
  });
});

describe('chartLines', () => {
  const series = { trn_loss: pts([0.8, 0.7, 0.6, 0.5]), val_loss: pts([0.65, 0.55], 0.5), val_accuracy: [{ pos: 1, value: 0.9 }] };
  const epochs = [epoch(1, { trn_loss: 0.65, val_loss: 0.6, val_accuracy: 0.9 })];

  it('gives per-batch trn and val lines and their epoch means', () => {
    const lines = chartLines('loss', series, epochs, { smoothing: 0, log: false });
    expect(lines.map((l) => l.id)).toEqual(['trn_loss', 'trn_loss (epoch)', 'val_loss', 'val_loss (epoch)']);
    expect(lines[1].points).toEqual([{ pos: 1, value: 0.65 }]);
  });

  it('shows a metric recorded once per epoch as an epoch line only', () => {
    expect(chartLines('accuracy', series, epochs, { smoothing: 0, log: false }).map((l) => l.id)).toEqual(['val_accuracy (epoch)']);
  });

  it('draws the loss lines empty before any record', () => {
    expect(chartLines('loss', {}, [], { smoothing: 0, log: false }).map((l) => [l.id, l.points.length])).toEqual([
      ['trn_loss', 0],
      ['trn_loss (epoch)', 0],
      ['val_loss', 0],
      ['val_loss (epoch)', 0],
    ]);
  });

  it('drops values a log axis cannot show', () => {
    const lines = chartLines('loss', { trn_loss: pts([0.5, 0, 0.25, 0.1]) }, [epoch(1, {})], { smoothing: 0, log: true });
    expect(lines[0].points.map((p) => p.value)).toEqual([0.5, 0.25, 0.1]);
  });
});

describe('chartRows', () => {
  it('puts each line under its id in one row per position, in order', () => {
    const rows = chartRows([
      { id: 'trn_loss', kind: 'batch', split: 'trn', points: [{ pos: 0.5, value: 2 }, { pos: 1, value: 1 }] },
      { id: 'val_loss (epoch)', kind: 'epoch', split: 'val', points: [{ pos: 1, value: 1.5 }] },
    ]);
    expect(rows).toEqual([
      { pos: 0.5, trn_loss: 2 },
      { pos: 1, trn_loss: 1, 'val_loss (epoch)': 1.5 },
    ]);
  });
});

describe('yAxisOf', () => {
  const line = (values: number[]) => ({ id: 'trn_loss', kind: 'batch' as const, split: 'trn' as const, points: pts(values) });

  it('spans the values with round ticks', () => {
    const { domain, ticks } = yAxisOf([line([0.23, 0.71, 0.4])], false);
    expect(ticks).toEqual([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(domain).toEqual([0.2, 0.8]);
  });

  it('puts log ticks on powers of ten around the positive values', () => {
    expect(yAxisOf([line([0.03, 0.5, 0])], true)).toEqual({ domain: [0.01, 1], ticks: [0.01, 0.1, 1] });
  });

  it('has an axis before any value', () => {
    expect(yAxisOf([line([])], false).domain).toEqual([0, 1]);
  });

  it('opens a constant learning rate around its value, with plain ticks (no 5.6e-17 for 0)', () => {
    const { domain, ticks } = yAxisOf([line([1e-4, 1e-4, 1e-4])], false);
    expect(domain[0]).toBeLessThan(1e-4);
    expect(domain[1]).toBeGreaterThan(1e-4);
    expect(domain[0]).toBeGreaterThanOrEqual(0);
    expect(ticks).toContain(1e-4);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.every((t) => t >= 5e-5 - 1e-12 && t <= 1.5e-4 + 1e-12)).toBe(true);
  });

  it('opens a constant zero by ±0.5, with 0 a tick of its own', () => {
    const { domain, ticks } = yAxisOf([line([0, 0])], false);
    expect(domain).toEqual([-0.6, 0.6]);
    expect(ticks).toContain(0);
    expect(ticks.every((t) => t === 0 || Math.abs(t) >= 0.1)).toBe(true);
  });

  it('keeps a span that crosses zero free of rounding leftovers', () => {
    const { ticks } = yAxisOf([line([-0.45, 0.5])], false);
    expect(ticks).toEqual([-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6]);
  });
});
