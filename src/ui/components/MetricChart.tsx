import { memo, useMemo } from 'react';
import { Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatRate, RATE_KEY } from '../../engine/train';
import { chartRows, yAxisOf, type ChartLine } from '../training/chartSeries';

const COLORS = { trn: '#2f6fed', val: '#e4572e' } as const;

/** An axis tick as a plain SVG text: recharts' own measures every label in the DOM on each redraw. */
function Tick({ x, y, payload, axis, format = fmt }: { x?: number; y?: number; payload?: { value: number }; axis: 'x' | 'y'; format?: (v: number) => string }) {
  const v = payload?.value ?? 0;
  return axis === 'x' ? (
    <text x={x} y={(y ?? 0) + 12} textAnchor="middle" className="tick">
      {v}
    </text>
  ) : (
    <text x={(x ?? 0) - 4} y={(y ?? 0) + 4} textAnchor="end" className="tick">
      {format(v)}
    </text>
  );
}

// Props recharts compares by identity (it stores them in its own state on change): made once, not per render.
const MARGIN = { top: 8, right: 16, bottom: 4, left: 4 };
const X_TICK = <Tick axis="x" />;
const Y_TICK = <Tick axis="y" />;
const Y_RATE_TICK = <Tick axis="y" format={(v) => formatRate(v, 2)} />;
const EPOCH_DOT = { r: 3.5 };
const BOUNDARY_LABEL = { value: 'unfreeze', position: 'insideTopRight', className: 'phase-boundary-label' } as const;
const NO_BOUNDARIES: number[] = [];

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));

/**
 * One metric by fractional epoch: thin per-batch lines and dashed epoch means, trn in blue and val in red.
 * Kept light, since it redraws during a run on the page's one thread: no animation, no tooltip, no grid, the
 * legend in plain HTML, and axes whose domain and ticks are given (`yAxisOf`) and drawn as plain text, which
 * spares recharts computing nice ticks and measuring labels in the DOM on each redraw.
 */
export const MetricChart = memo(function MetricChart({ metric, lines, epochs, log, boundaries = NO_BOUNDARIES }: {
  metric: string;
  lines: ChartLine[];
  /** Epochs of the run: the x axis spans 0..epochs. */
  epochs: number;
  log: boolean;
  /** Where fine_tune unfroze the trunk (fractional epochs): a vertical line labelled "unfreeze" each. */
  boundaries?: number[];
}) {
  const rate = metric === RATE_KEY;
  // One data array for the chart, not one per line: recharts then updates its state once per redraw.
  const rows = useMemo(() => chartRows(lines), [lines]);
  const x = useMemo(() => {
    const last = Math.max(1, epochs);
    const step = Math.ceil(last / 10);
    return { domain: [0, last], ticks: Array.from({ length: Math.floor(last / step) + 1 }, (_, i) => i * step) };
  }, [epochs]);
  // A new axis object only when the axis changes: recharts redoes its scales for every new axis prop.
  const yKey = JSON.stringify(yAxisOf(lines, log));
  const y = useMemo(() => JSON.parse(yKey) as ReturnType<typeof yAxisOf>, [yKey]);
  return (
    <div
      className="metric-chart"
      data-testid={`chart-${metric}`}
      data-lines={lines.map((l) => `${l.id}:${l.points.length}`).join(',')}
      data-boundaries={boundaries.join(',')}
    >
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={rows} margin={MARGIN} accessibilityLayer={false}>
          <XAxis
            type="number"
            dataKey="pos"
            domain={x.domain}
            ticks={x.ticks}
            interval={0}
            tick={X_TICK}
          />
          <YAxis
            type="number"
            scale={log ? 'log' : 'linear'}
            domain={y.domain}
            ticks={y.ticks}
            allowDataOverflow
            interval={0}
            tick={rate ? Y_RATE_TICK : Y_TICK}
            width={56}
          />
          {lines.map((l) => (
            <Line
              key={l.id}
              name={l.id}
              dataKey={l.id}
              connectNulls
              type="linear"
              stroke={COLORS[l.split]}
              strokeWidth={l.kind === 'epoch' ? 2.5 : 1.2}
              strokeOpacity={l.kind === 'epoch' ? 1 : 0.55}
              strokeDasharray={l.kind === 'epoch' ? '5 3' : undefined}
              dot={l.kind === 'epoch' ? EPOCH_DOT : false}
              activeDot={false}
              legendType="none"
              tooltipType="none"
              isAnimationActive={false}
              className={`line-${l.split}-${l.kind}`}
            />
          ))}
          {boundaries.map((pos) => (
            <ReferenceLine key={pos} x={pos} stroke="#6b7280" strokeDasharray="2 3" label={BOUNDARY_LABEL} className="phase-boundary" />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <ul className="chart-legend">
        <li className="muted">x: epoch</li>
        {lines.map((l) => (
          <li key={l.id} data-testid="legend-item" className={`legend-${l.split}-${l.kind}`}>
            <span className="legend-swatch" style={{ borderColor: COLORS[l.split] }} />
            {l.id}
            <span className="muted"> {l.points.length ? (rate ? formatRate : fmt)(l.points[l.points.length - 1].value) : '–'}</span>
          </li>
        ))}
      </ul>
    </div>
  );
});
