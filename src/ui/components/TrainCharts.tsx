import { useDeferredValue, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { formatRate, RATE_KEY } from '../../engine/train';
import { keptEpoch, keptText } from '../training/keptEpoch';
import { chartLines, chartMetrics, phaseBoundaries, rateLines, PHASE_KEY } from '../training/chartSeries';
import { MetricChart } from './MetricChart';

/**
 * The Report's curves, live: a metric selector, a log-scale toggle and a smoothing slider over one chart.
 * Only this component follows the records (which the store takes in a few times a second), not the app. The
 * chart is drawn as soon as there is a dataset to train on, so a run only grows its lines; and it redraws from
 * deferred values, a render React may slice so the page stays responsive.
 */
export function TrainCharts() {
  const { visible, total, ...live } = useStudio(
    useShallow((s) => ({
      visible: !!s.datasetReport?.task || s.runConfig !== null,
      series: s.series,
      epochs: s.epochs,
      total: s.runConfig?.epochs ?? 0,
    })),
  );
  const series = useDeferredValue(live.series);
  const epochs = useDeferredValue(live.epochs);
  const metrics = useMemo(() => chartMetrics(Object.keys(series)), [series]);
  const [chosen, setChosen] = useState('loss');
  const [log, setLog] = useState(false);
  const [smoothing, setSmoothing] = useState(0);
  const metric = metrics.includes(chosen) ? chosen : (metrics[0] ?? 'loss');
  const lines = useMemo(() => chartLines(metric, series, epochs, { smoothing, log }), [metric, series, epochs, smoothing, log]);
  const rates = useMemo(() => rateLines(series, epochs), [series, epochs]);
  const boundaries = useMemo(() => phaseBoundaries(series), [series]);
  if (!visible) return null;
  return (
    <section className="panel charts" aria-label="Charts">
      <header className="panel-head">
        <h2>Report</h2>
        <label className="field">
          <span>Metric</span>
          <select value={metric} onChange={(e) => setChosen(e.target.value)}>
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
          <span>Log scale</span>
        </label>
        <label className="field">
          <span>Smoothing</span>
          <input type="range" min={0} max={0.95} step={0.05} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
          <output>{smoothing.toFixed(2)}</output>
        </label>
      </header>
      <MetricChart metric={metric} lines={lines} epochs={total} log={log} boundaries={boundaries} />
      {rates.length ? (
        <>
          <h3 className="chart-title">Learning rate</h3>
          <MetricChart metric={RATE_KEY} lines={rates} epochs={total} log={false} boundaries={boundaries} />
        </>
      ) : null}
      <EpochTable />
    </section>
  );
}

/** Epoch means and val metrics, one row per finished epoch; the kept epoch starred and explained. */
function EpochTable() {
  const epochs = useStudio((s) => s.epochs);
  // The phase marker is a position, not a quantity to average.
  const keys = [...new Set(epochs.flatMap((e) => Object.keys(e.averages)))].filter((k) => k !== PHASE_KEY);
  if (!epochs.length) return null;
  const kept = keptEpoch(epochs);
  return (
    <>
    <table className="epoch-table" data-testid="epoch-table">
      <thead>
        <tr>
          <th>epoch</th>
          {keys.map((k) => (
            <th key={k}>{k}</th>
          ))}
          <th>seconds</th>
        </tr>
      </thead>
      <tbody>
        {epochs.map((e) => (
          <tr key={e.epoch} className={e === kept ? 'best' : undefined}>
            <td>
              {e.epoch}
              {e === kept ? <span title={keptText(kept)}> ★</span> : ''}
            </td>
            {keys.map((k) => (
              <td key={k}>{e.averages[k] === undefined ? '' : k === RATE_KEY ? formatRate(e.averages[k]) : e.averages[k].toFixed(3)}</td>
            ))}
            <td>{e.seconds.toFixed(e.seconds < 1 ? 2 : 1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {kept ? (
      <p className="kept-epoch" data-testid="kept-epoch">
        ★ {keptText(kept)}
      </p>
    ) : null}
    </>
  );
}
