import { describe, expect, it } from 'vitest';
import { Report, formatFixed, type ReportData } from './report';

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(startMs = 1_000) {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** The ETA torch_snippets prints, read back from a progress line. */
function parseTimes(line: string): { elapsed: number; remaining: number } {
  const m = /\((\S+)s - (\S+)s remaining\)$/.exec(line);
  if (!m) throw new Error(`no times in: ${line}`);
  return { elapsed: Number(m[1]), remaining: Number(m[2]) };
}

/**
 * Two epochs of four train batches and two val batches. Epoch 1's last train batch (pos 1.0) is 5 while the
 * others are 1, so where that batch is counted changes the epoch mean.
 */
function twoEpochRun() {
  const clock = fakeClock();
  const report = new Report(2, { now: clock.now });
  const trn = [
    [0.25, 1],
    [0.5, 1],
    [0.75, 1],
    [1.0, 5],
    [1.25, 2],
    [1.5, 2],
    [1.75, 2],
    [2.0, 2],
  ] as const;
  const val = [
    [0.5, 0.8],
    [1.0, 0.6],
    [1.5, 0.4],
    [2.0, 0.2],
  ] as const;
  const lines: string[] = [];
  for (let epoch = 1; epoch <= 2; epoch++) {
    for (const [pos, v] of trn.filter(([p]) => p > epoch - 1 && p <= epoch)) {
      clock.advance(1_000);
      lines.push(report.record(pos, { trn_loss: v }));
    }
    for (const [pos, v] of val.filter(([p]) => p > epoch - 1 && p <= epoch)) {
      lines.push(report.record(pos, { val_loss: v }));
    }
    report.reportAvgs(epoch);
  }
  return { report, clock, trn, val, lines };
}

describe('Report', () => {
  it('prints the progress line in torch_snippets format', () => {
    const clock = fakeClock();
    const report = new Report(5, { now: clock.now });
    clock.advance(12_300);
    expect(report.record(1.25, { trn_loss: 0.4123 })).toBe('EPOCH: 1.250  trn_loss: 0.412  (12.30s - 36.90s remaining)');
  });

  it('leaves setup time (the feature cache) out of the rate the ETA extrapolates, not out of elapsed', () => {
    const clock = fakeClock();
    const report = new Report(5, { now: clock.now });
    clock.advance(10_000);
    report.addSetupTime(10_000);
    clock.advance(2_000);
    expect(report.times(1)).toEqual({ elapsedMs: 12_000, etaMs: 8_000 });
  });

  it('joins several metrics with two spaces, in the order given, rounding ties to even like Python', () => {
    const clock = fakeClock();
    const report = new Report(2, { now: clock.now });
    clock.advance(2_500);
    expect(report.record(0.25, { trn_loss: 0.5 })).toBe('EPOCH: 0.250  trn_loss: 0.500  (2.50s - 17.50s remaining)');
    clock.advance(2_500);
    // 1/16 is an exact tie at 3 decimals: Python prints 0.062 where toFixed gives 0.063.
    expect(report.record(0.5, { trn_acc: 0.0625, trn_loss: 0.41 })).toBe(
      'EPOCH: 0.500  trn_acc: 0.062  trn_loss: 0.410  (5.00s - 15.00s remaining)',
    );
  });

  it('prints the learning rate with significant digits, where 3 decimals would print 0.000', () => {
    const clock = fakeClock();
    const report = new Report(1, { now: clock.now });
    clock.advance(1_000);
    expect(report.record(0.5, { trn_loss: 0.5, lr: 4e-5 })).toBe('EPOCH: 0.500  trn_loss: 0.500  lr: 4e-5  (1.00s - 1.00s remaining)');
    expect(report.record(1, { trn_loss: 0.5, lr: 3.1623e-3 })).toContain('lr: 3.16e-3');
    expect(report.epochLine(1)).toContain('lr: 1.6e-3');
  });

  it('uses the precision option for metric values but not for pos or times', () => {
    const clock = fakeClock();
    const report = new Report(4, { now: clock.now, precision: 5 });
    clock.advance(1_000);
    expect(report.record(1, { trn_loss: 0.123456 })).toBe('EPOCH: 1.000  trn_loss: 0.12346  (1.00s - 3.00s remaining)');
  });

  it('estimates the remaining time as (nEpochs - pos) / pos * elapsed', () => {
    const clock = fakeClock();
    const report = new Report(3, { now: clock.now });
    const steps = [
      [0.1, 700],
      [0.6, 2_900],
      [1.3, 4_100],
      [2.9, 9_000],
    ] as const;
    let elapsedMs = 0;
    for (const [pos, dt] of steps) {
      clock.advance(dt);
      elapsedMs += dt;
      const { elapsed, remaining } = parseTimes(report.record(pos, { trn_loss: 1 }));
      expect(elapsed).toBeCloseTo(elapsedMs / 1000, 2);
      expect(remaining).toBeCloseTo(((3 - pos) / pos) * (elapsedMs / 1000), 2);
    }
  });

  it('gives the line\'s times as numbers (times): elapsedMs and etaMs, Infinity at pos 0', () => {
    const clock = fakeClock();
    const report = new Report(3, { now: clock.now });
    clock.advance(1_500);
    expect(report.times(0.5)).toEqual({ elapsedMs: 1_500, etaMs: 7_500 });
    expect(report.times(0)).toEqual({ elapsedMs: 1_500, etaMs: Infinity });
    // A restored report goes on counting from the time it saved.
    expect(Report.fromJSON(report.toJSON(), { now: clock.now }).times(1)).toEqual({ elapsedMs: 1_500, etaMs: 3_000 });
  });

  it('prints inf remaining at pos 0 instead of dividing by zero', () => {
    const clock = fakeClock();
    const report = new Report(3, { now: clock.now });
    clock.advance(500);
    expect(report.record(0, { trn_loss: 1 })).toBe('EPOCH: 0.000  trn_loss: 1.000  (0.50s - infs remaining)');
  });

  it('keeps every raw value with its position, per key, in recording order', () => {
    const { report, trn, val } = twoEpochRun();
    expect(report.keys()).toEqual(['trn_loss', 'val_loss']);
    expect(report.history('trn_loss')).toEqual(trn.map(([, v]) => v));
    expect(report.history('val_loss')).toEqual(val.map(([, v]) => v));
    expect(report.records('trn_loss')).toEqual(trn.map(([pos, value]) => ({ pos, value })));
    expect(report.history('val_acc')).toEqual([]);
    expect(report.records('val_acc')).toEqual([]);
  });

  it('returns copies from records, so callers cannot change the history', () => {
    const { report } = twoEpochRun();
    report.records('trn_loss')[0]!.value = 99;
    expect(report.history('trn_loss')[0]).toBe(1);
  });

  it("counts each epoch's last batch (pos == epoch) in that epoch, unlike torch_snippets", () => {
    const { report, trn } = twoEpochRun();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // (epoch - 1, epoch]: epoch 1 is 1, 1, 1, 5 and epoch 2 is 2, 2, 2, 2.
    expect(report.reportAvgs(1).trn_loss).toBe(2);
    expect(report.reportAvgs(2).trn_loss).toBe(2);
    // torch_snippets' `epoch - 1 <= pos < epoch` would move the 5 into epoch 2.
    const torchSnippets = (epoch: number) => mean(trn.filter(([p]) => epoch - 1 <= p && p < epoch).map(([, v]) => v));
    expect(torchSnippets(1)).toBe(1);
    expect(torchSnippets(2)).toBe(2.75);
    expect(report.reportAvgs(2).val_loss).toBeCloseTo(0.3, 12);
    expect(report.reportAvgs(1).val_loss).toBeCloseTo(0.7, 12);
  });

  it('counts a last batch whose pos came out a rounding error above the epoch in that epoch', () => {
    const report = new Report(2, { now: () => 0 });
    report.record(0.5, { trn_loss: 1 });
    report.record(1 + Number.EPSILON, { trn_loss: 3 });
    report.record(1.5, { trn_loss: 10 });
    expect(report.reportAvgs(1)).toEqual({ trn_loss: 2 });
    expect(report.reportAvgs(2)).toEqual({ trn_loss: 10 });
  });

  it('leaves out keys with no value in the epoch', () => {
    const report = new Report(2, { now: () => 0 });
    report.record(1, { trn_loss: 1 });
    report.record(2, { val_loss: 4 });
    expect(report.reportAvgs(1)).toEqual({ trn_loss: 1 });
    expect(report.reportAvgs(2)).toEqual({ val_loss: 4 });
    expect(report.reportAvgs(3)).toEqual({});
  });

  it('prints the epoch line as report_avgs does: pos = epoch, epoch means, ETA from epoch', () => {
    const clock = fakeClock();
    const report = new Report(4, { now: clock.now });
    report.record(0.5, { trn_loss: 0.3 });
    clock.advance(3_000);
    report.record(1, { trn_loss: 0.5 });
    report.record(1, { val_loss: 0.25, val_acc: 0.9 });
    report.reportAvgs(1);
    expect(report.epochLine(1)).toBe(
      'EPOCH: 1.000  trn_loss: 0.400  val_loss: 0.250  val_acc: 0.900  (3.00s - 9.00s remaining)',
    );
  });

  it('lists epoch averages for finished epochs only, i.e. those passed to reportAvgs', () => {
    const { report, clock } = twoEpochRun();
    expect(report.completedEpochs).toBe(2);
    expect(report.epochAverages('trn_loss')).toEqual([
      { epoch: 1, value: 2 },
      { epoch: 2, value: 2 },
    ]);
    expect(report.epochTable().map((r) => r.epoch)).toEqual([1, 2]);
    expect(report.epochTable()[0]!.averages.val_loss).toBeCloseTo(0.7, 12);

    clock.advance(1_000);
    report.record(2.5, { trn_loss: 7 });
    expect(report.epochTable()).toHaveLength(2);
    expect(report.epochAverages('val_acc')).toEqual([]);
  });

  it('restores from JSON with identical history, epochs and elapsed time', () => {
    const { report, clock } = twoEpochRun();
    report.record(2, { val_acc: Number.NaN });
    const saved = JSON.parse(JSON.stringify(report.toJSON())) as ReportData;

    const later = fakeClock(50_000_000);
    const restored = Report.fromJSON(saved, { now: later.now });
    expect(restored.nEpochs).toBe(2);
    expect(restored.keys()).toEqual(report.keys());
    for (const key of report.keys()) {
      expect(restored.records(key)).toEqual(report.records(key));
      expect(restored.history(key)).toEqual(report.history(key));
      expect(restored.epochAverages(key)).toEqual(report.epochAverages(key));
    }
    expect(restored.history('val_acc')).toEqual([Number.NaN]);
    expect(restored.epochTable()).toEqual(report.epochTable());
    expect(restored.toJSON()).toEqual(report.toJSON());

    // 8 train batches one second apart were recorded before saving; the restored clock goes on from 8 s.
    clock.advance(2_000);
    later.advance(2_000);
    expect(restored.record(2, { trn_loss: 1 })).toBe(report.record(2, { trn_loss: 1 }));
    expect(parseTimes(restored.record(2, { trn_loss: 1 })).elapsed).toBe(10);
  });

  it('keeps the saved precision when restoring', () => {
    const report = new Report(1, { now: () => 0, precision: 1 });
    const restored = Report.fromJSON(report.toJSON(), { now: () => 0 });
    expect(restored.record(1, { trn_loss: 0.26 })).toBe('EPOCH: 1.000  trn_loss: 0.3  (0.00s - 0.00s remaining)');
  });

  it('rejects malformed saved data and a non-positive epoch count', () => {
    const data: ReportData = {
      version: 1,
      nEpochs: 1,
      precision: 3,
      elapsedMs: 0,
      lastEpoch: 0,
      metrics: [{ key: 'trn_loss', pos: [0.5, 1], values: [1] }],
    };
    expect(() => Report.fromJSON(data)).toThrow(/2 positions and 1 values/);
    expect(() => new Report(0)).toThrow(RangeError);
  });

  it('restarts elapsed time on resetTime', () => {
    const clock = fakeClock();
    const report = new Report(2, { now: clock.now });
    clock.advance(5_000);
    report.resetTime();
    clock.advance(1_000);
    expect(parseTimes(report.record(1, { trn_loss: 1 }))).toEqual({ elapsed: 1, remaining: 1 });
  });
});

describe('formatFixed', () => {
  it("matches Python's fixed-point format, including half-to-even ties", () => {
    const cases: [number, number, string][] = [
      [0.4123, 3, '0.412'],
      [0.0625, 3, '0.062'],
      [0.1875, 3, '0.188'],
      [-0.0625, 3, '-0.062'],
      [0.125, 2, '0.12'],
      [0.375, 2, '0.38'],
      [2.5, 0, '2'],
      [3.5, 0, '4'],
      [1.005, 2, '1.00'],
      [36.900000000000006, 2, '36.90'],
      [-0.0001, 3, '-0.000'],
      [-0, 3, '-0.000'],
      [Number.NaN, 3, 'nan'],
      [Number.POSITIVE_INFINITY, 2, 'inf'],
      [Number.NEGATIVE_INFINITY, 2, '-inf'],
    ];
    for (const [x, digits, python] of cases) expect(formatFixed(x, digits), `${x} .${digits}f`).toBe(python);
  });
});
