import { RATE_KEY, type ReportPoint } from '../../engine/train';
import type { EpochSummary } from './runView';

/** The Report's prefixes: train batches and validation. */
const PREFIX = /^(trn|val)_/;

/**
 * Metrics the metric chart can show: Report keys of a split (`trn_`/`val_`), without that prefix, in
 * first-recorded order. Keys of no split (`lr`, the `phase` marker) have charts of their own.
 */
export function chartMetrics(keys: string[]): string[] {
  return [...new Set(['loss', ...keys.filter((k) => PREFIX.test(k)).map((k) => k.replace(PREFIX, ''))])];
}

/** The Report key of fine_tune's phase marker: a record `phase: 2` where phase 2 starts. */
export const PHASE_KEY = 'phase';

/** Where fine_tune unfroze the trunk (fractional epochs), from the phase records; none for a one-phase run. */
export function phaseBoundaries(series: Record<string, ReportPoint[]>): number[] {
  return (series[PHASE_KEY] ?? []).filter((p) => p.value > 1).map((p) => p.pos);
}

/** The learning rate each batch stepped at and its epoch means: the rate chart's lines (none before a record). */
export function rateLines(series: Record<string, ReportPoint[]>, epochs: EpochSummary[]): ChartLine[] {
  const points = series[RATE_KEY] ?? [];
  if (!points.length) return [];
  const means = epochs.flatMap((e) => (e.averages[RATE_KEY] === undefined ? [] : [{ pos: e.epoch, value: e.averages[RATE_KEY] }]));
  return [
    { id: RATE_KEY, kind: 'batch', split: 'trn', points },
    { id: `${RATE_KEY} (epoch)`, kind: 'epoch', split: 'trn', points: means },
  ];
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `w` (0 = raw), debiased so the first
 * points are not pulled towards 0.
 */
export function smooth(points: ReportPoint[], w: number): ReportPoint[] {
  if (w <= 0) return points;
  let avg = 0;
  return points.map((p, i) => {
    avg = avg * w + (1 - w) * p.value;
    return { pos: p.pos, value: avg / (1 - w ** (i + 1)) };
  });
}

/** One line of a chart: its id is the Report key (plus ` (epoch)` for the epoch means). */
export interface ChartLine {
  id: string;
  kind: 'batch' | 'epoch';
  split: 'trn' | 'val';
  points: ReportPoint[];
}

/**
 * The lines of `metric`: per-batch trn and val records (smoothed) and their epoch means; log scale drops values
 * ≤ 0. The loss always has its four lines, empty before the first record, so the chart is drawn once before a
 * run and then only grows.
 */
export function chartLines(
  metric: string,
  series: Record<string, ReportPoint[]>,
  epochs: EpochSummary[],
  options: { smoothing: number; log: boolean },
): ChartLine[] {
  const keep = (points: ReportPoint[]) => (options.log ? points.filter((p) => p.value > 0) : points);
  const lines: ChartLine[] = [];
  for (const split of ['trn', 'val'] as const) {
    const key = `${split}_${metric}`;
    const points = series[key] ?? [];
    if (!points.length && metric !== 'loss') continue;
    // A key recorded once per epoch (val metrics) is its own epoch line.
    const perEpoch = points.length > 0 && points.length <= epochs.length;
    if (!perEpoch) lines.push({ id: key, kind: 'batch', split, points: keep(smooth(points, options.smoothing)) });
    const means = epochs.flatMap((e) => (e.averages[key] === undefined ? [] : [{ pos: e.epoch, value: e.averages[key] }]));
    lines.push({ id: `${key} (epoch)`, kind: 'epoch', split, points: keep(perEpoch && !means.length ? points : means) });
  }
  return lines;
}

/** One row per position with each line's value there (by line id): the shape recharts takes at chart level. */
export type ChartRow = { pos: number } & Record<string, number>;

/** Merges lines into rows sorted by position, so the chart takes one data array rather than one per line. */
export function chartRows(lines: ChartLine[]): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const line of lines) {
    for (const { pos, value } of line.points) {
      let row = rows.get(pos);
      if (!row) rows.set(pos, (row = { pos } as ChartRow));
      row[line.id] = value;
    }
  }
  return [...rows.values()].sort((a, b) => a.pos - b.pos);
}

/** A step of 1, 2 or 5 × 10ⁿ that cuts `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

/**
 * The y axis for `lines`: domain and ticks worked out here, once per redraw, so recharts takes them as they
 * are rather than recomputing "nice" ticks (with arbitrary-precision decimals) for every update.
 */
export function yAxisOf(lines: ChartLine[], log: boolean, count = 5): { domain: [number, number]; ticks: number[] } {
  const values = lines.flatMap((l) => l.points.map((p) => p.value)).filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!values.length) return log ? { domain: [0.1, 1], ticks: [0.1, 1] } : { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
    return { domain: [ticks[0], ticks.at(-1)!], ticks };
  }
  // A constant line (a learning rate without schedule) collapses the domain: open it around the value, by half
  // of it (a rate of 1e-4 reads 5e-5 … 1.5e-4, not ±0.5 around a value too small to see).
  if (hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) {
    const pad = Math.abs(lo) / 2 || 0.5;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const step = niceStep(hi - lo, count);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  // Each tick as a multiple of the step, not a running sum: a sum leaves 0 as 5.6e-17.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => +((first + i) * step).toPrecision(12));
  return { domain: [ticks[0], ticks.at(-1)!], ticks };
}
