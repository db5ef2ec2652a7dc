import { memo, useMemo } from 'react';
import { Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatRate, type LrPoint } from '../../engine/train';
import { lossAxis, lrAxis } from '../training/lrFinderChart';

const MARGIN = { top: 16, right: 16, bottom: 4, left: 4 };
const tickRate = (v: number) => formatRate(v, 1);
const tickLoss = (v: number) => v.toPrecision(3);

/** The sweep's smoothed loss against the learning rate on a log axis, the suggestion marked. */
export const LrFinderChart = memo(function LrFinderChart({ points, suggestion }: { points: LrPoint[]; suggestion?: number }) {
  const x = useMemo(() => lrAxis(points), [points]);
  const y = useMemo(() => lossAxis(points), [points]);
  const marked = suggestion !== undefined && Number.isFinite(suggestion) ? points.find((p) => p.lr >= suggestion) : undefined;
  return (
    <div className="lr-finder-chart" data-testid="lr-finder-chart" data-points={points.length}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={points} margin={MARGIN} accessibilityLayer={false}>
          <XAxis type="number" dataKey="lr" scale="log" domain={x.domain} ticks={x.ticks} tickFormatter={tickRate} interval={0} allowDataOverflow />
          <YAxis type="number" domain={y.domain} tickFormatter={tickLoss} allowDataOverflow width={56} />
          <Line dataKey="loss" type="linear" stroke="#2f6fed" dot={false} activeDot={false} isAnimationActive={false} />
          {marked ? (
            <>
              <ReferenceLine x={marked.lr} stroke="#e4572e" strokeDasharray="4 3" label={{ value: `suggested ${formatRate(suggestion!, 2)}`, position: 'top', className: 'lr-suggestion-label' }} />
              <ReferenceDot x={marked.lr} y={marked.loss} r={4} fill="#e4572e" stroke="none" />
            </>
          ) : null}
        </LineChart>
      </ResponsiveContainer>
      <p className="muted chart-caption">x: learning rate (log) · y: loss, smoothed</p>
    </div>
  );
});
