/**
 * torch_snippets' `Report` (the metric logger of "Modern Computer Vision with PyTorch"), without matplotlib or
 * print: `record` and `epochLine` return the text, the CLI writes it and the charts read `records` and
 * `epochTable`.
 */
import { formatRate } from './formatRate';

/** One recorded value: `pos` is the fractional epoch it was recorded at. */
export interface ReportPoint {
  pos: number;
  value: number;
}

/** The averages of one finished epoch; a key recorded nowhere in that epoch is absent. */
export interface EpochRow {
  epoch: number;
  averages: Record<string, number>;
}

export interface ReportOptions {
  /** Decimals of the metric values in the progress lines (torch_snippets' `precision`). */
  precision: number;
  /** Milliseconds clock; elapsed time and the ETA are read from it. */
  now: () => number;
}

export const defaultReportOptions: ReportOptions = {
  precision: 3,
  now: () => Date.now(),
};

/** What `toJSON` returns: plain, JSON-safe data (`null` stands for a NaN value, which JSON cannot hold). */
export interface ReportData {
  version: 1;
  nEpochs: number;
  precision: number;
  /** Training time already spent when saved; a restored report goes on counting from it. */
  elapsedMs: number;
  /** The last epoch passed to `reportAvgs`, 0 before any. */
  lastEpoch: number;
  /** In first-recorded order; `pos[i]` goes with `values[i]`. */
  metrics: { key: string; pos: number[]; values: (number | null)[] }[];
}

/** The Report key of the learning rate (the recorder's): printed with significant digits, not `precision` decimals. */
export const RATE_KEY = 'lr';

// Positions are sums like `epoch + (batch + 1) / numBatches`; a last batch that comes out as 2.9999999999999996
// still belongs to epoch 3.
const POS_TOLERANCE = 1e-9;

export class Report {
  readonly nEpochs: number;
  readonly precision: number;
  private readonly now: () => number;
  private start: number;
  /** Time spent before training proper (the feature cache's build): counted as elapsed, not in the rate the ETA extrapolates. */
  private setupMs = 0;
  private lastEpoch = 0;
  private readonly series = new Map<string, ReportPoint[]>();

  constructor(nEpochs: number, options: Partial<ReportOptions> = {}) {
    if (!Number.isFinite(nEpochs) || nEpochs <= 0) {
      throw new RangeError(`Report: nEpochs must be a positive number, got ${nEpochs}`);
    }
    const opts = { ...defaultReportOptions, ...options };
    this.nEpochs = nEpochs;
    this.precision = opts.precision;
    this.now = opts.now;
    this.start = this.now();
  }

  /** Stores one value per key at `pos` and returns the progress line, e.g. `EPOCH: 1.250  trn_loss: 0.412  (12.30s - 36.90s remaining)`. */
  record(pos: number, metrics: Record<string, number>): string {
    if (!Number.isFinite(pos)) throw new RangeError(`Report.record: pos must be finite, got ${pos}`);
    for (const [key, value] of Object.entries(metrics)) {
      let points = this.series.get(key);
      if (!points) {
        points = [];
        this.series.set(key, points);
      }
      points.push({ pos, value });
    }
    return this.line(pos, metrics);
  }

  /**
   * The mean of each key over epoch `epoch`, i.e. positions in (epoch − 1, epoch]; keys with no value there are
   * left out. Marks `epoch` as finished for `epochTable`.
   *
   * torch_snippets filters `epoch - 1 <= pos < epoch`, so each epoch's last batch (pos == epoch exactly) is
   * averaged into the next epoch and the first epoch loses its last batch; we count it in its own epoch.
   */
  reportAvgs(epoch: number): Record<string, number> {
    this.lastEpoch = Math.max(this.lastEpoch, epoch);
    return this.averages(epoch);
  }

  /**
   * Training time spent so far and torch_snippets' estimate of the time left at `pos`, in milliseconds (the
   * figures the progress line prints in seconds): `(nEpochs - pos) / pos × elapsed`, Infinity before any position.
   * Setup time (`addSetupTime`) is in elapsed but not in the rate: a 10 s cache build before a 0.1 s epoch
   * would otherwise be extrapolated to every epoch left.
   */
  times(pos: number): { elapsedMs: number; etaMs: number } {
    const elapsedMs = this.now() - this.start;
    const trainingMs = Math.max(0, elapsedMs - this.setupMs);
    return { elapsedMs, etaMs: pos > 0 ? ((this.nEpochs - pos) / pos) * trainingMs : Number.POSITIVE_INFINITY };
  }

  /** Counts `ms` of the elapsed time as setup (the feature cache's build), left out of the ETA's rate. */
  addSetupTime(ms: number): void {
    this.setupMs += ms;
  }

  /** torch_snippets' `report_avgs` printout for `epoch`: the progress line at pos = epoch with the epoch means. */
  epochLine(epoch: number): string {
    return this.line(epoch, this.averages(epoch));
  }

  /** Keys in the order they were first recorded. */
  keys(): string[] {
    return [...this.series.keys()];
  }

  /** Every value recorded for `key`, in recording order (torch_snippets' `history`); [] for an unknown key. */
  history(key: string): number[] {
    return (this.series.get(key) ?? []).map((p) => p.value);
  }

  /** Every (pos, value) recorded for `key`, for the per-batch chart; a copy. */
  records(key: string): ReportPoint[] {
    return (this.series.get(key) ?? []).map((p) => ({ ...p }));
  }

  /** Averages of `key` for each finished epoch that has values of it (the data of torch_snippets' `plot_epochs`). */
  epochAverages(key: string): { epoch: number; value: number }[] {
    const out: { epoch: number; value: number }[] = [];
    for (const row of this.epochTable()) {
      const value = row.averages[key];
      if (value !== undefined) out.push({ epoch: row.epoch, value });
    }
    return out;
  }

  /** One row per finished epoch (1 … last epoch passed to `reportAvgs`) with every key's average. */
  epochTable(): EpochRow[] {
    const rows: EpochRow[] = [];
    for (let epoch = 1; epoch <= this.lastEpoch; epoch++) rows.push({ epoch, averages: this.averages(epoch) });
    return rows;
  }

  /** The last epoch passed to `reportAvgs`; 0 before any. */
  get completedEpochs(): number {
    return this.lastEpoch;
  }

  /** Restarts the elapsed-time clock (torch_snippets' `reset_time`). */
  resetTime(): void {
    this.start = this.now();
  }

  toJSON(): ReportData {
    return {
      version: 1,
      nEpochs: this.nEpochs,
      precision: this.precision,
      elapsedMs: this.now() - this.start,
      lastEpoch: this.lastEpoch,
      metrics: [...this.series].map(([key, points]) => ({
        key,
        pos: points.map((p) => p.pos),
        values: points.map((p) => (Number.isNaN(p.value) ? null : p.value)),
      })),
    };
  }

  /** Rebuilds a saved report; `options.now` is the clock it goes on with (the saved precision wins). */
  static fromJSON(data: ReportData, options: Partial<Omit<ReportOptions, 'precision'>> = {}): Report {
    if (data.version !== 1) throw new Error(`Report.fromJSON: unknown version ${String(data.version)}`);
    const report = new Report(data.nEpochs, { ...options, precision: data.precision });
    report.start -= data.elapsedMs;
    report.lastEpoch = data.lastEpoch;
    for (const { key, pos, values } of data.metrics) {
      if (pos.length !== values.length) {
        throw new Error(`Report.fromJSON: ${key} has ${pos.length} positions and ${values.length} values`);
      }
      report.series.set(
        key,
        pos.map((p, i) => ({ pos: p, value: values[i] ?? Number.NaN })),
      );
    }
    return report;
  }

  private averages(epoch: number): Record<string, number> {
    const avgs: Record<string, number> = {};
    for (const [key, points] of this.series) {
      let sum = 0;
      let n = 0;
      for (const { pos, value } of points) {
        if (pos > epoch - 1 + POS_TOLERANCE && pos <= epoch + POS_TOLERANCE) {
          sum += value;
          n++;
        }
      }
      if (n > 0) avgs[key] = sum / n;
    }
    return avgs;
  }

  // torch_snippets' report_metrics: f"EPOCH: {pos:.3f}  " + "  ".join(f"{k}: {v:.{precision}f}")
  // + "  ({elapsed:.2f}s - {(n_epochs - pos) / pos * elapsed:.2f}s remaining)".
  private line(pos: number, values: Record<string, number>): string {
    const { elapsedMs, etaMs } = this.times(pos);
    const [elapsed, remaining] = [elapsedMs / 1000, etaMs / 1000];
    const metrics = Object.entries(values).map(([k, v]) => `${k}: ${k === RATE_KEY ? formatRate(v) : formatFixed(v, this.precision)}`);
    return [
      `EPOCH: ${formatFixed(pos, 3)}`,
      ...metrics,
      `(${formatFixed(elapsed, 2)}s - ${formatFixed(remaining, 2)}s remaining)`,
    ].join('  ');
  }
}

/**
 * Python's `f"{x:.{digits}f}"`. `toFixed` differs on exact ties (it rounds 0.0625 to "0.063", Python to
 * "0.062", half to even), and per-batch accuracies such as 1/16 are exact ties; it also prints NaN/∞ as
 * "NaN"/"Infinity" and drops the sign of -0.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  const rounded = abs.toFixed(digits);
  // 100 decimals hold the exact binary value of every double large enough to round to a tie here.
  const exact = abs.toFixed(100);
  const cut = exact.indexOf('.') + (digits > 0 ? digits + 1 : 0);
  const rest = exact.slice(cut + (digits > 0 ? 0 : 1));
  if (/^50*$/.test(rest)) {
    const truncated = exact.slice(0, cut);
    const lastDigit = Number(truncated.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) return sign + truncated;
  }
  return sign + rounded;
}
