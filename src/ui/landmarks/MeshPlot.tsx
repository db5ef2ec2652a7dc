import { useEffect, useRef, useState } from 'react';
import { loadPlotly } from './loadPlotly';
import { plotLayout, plotTraces } from './plotTraces';

interface Props {
  points: number[][];
  compare?: number[][];
}

/** The rotatable Plotly scatter3d of a face's points (Plotly itself loads on first show). */
export function MeshPlot({ points, compare }: Props) {
  const div = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadPlotly()
      .then((Plotly) => {
        if (live && div.current) return Plotly.react(div.current, plotTraces(points, compare), plotLayout(), { displaylogo: false, responsive: true });
      })
      .catch((e: Error) => live && setProblem(`the 3D view could not start: ${e.message}`));
    return () => {
      live = false;
    };
  }, [points, compare]);

  useEffect(() => {
    const el = div.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);

  return (
    <div className="landmarks-plot">
      {problem && <p className="error">{problem}</p>}
      <div ref={div} data-testid="landmarks-plot" style={{ width: '100%', height: 420 }} />
    </div>
  );
}
