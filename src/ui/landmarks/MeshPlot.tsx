import { useEffect, useRef, useState } from 'react';
import { loadPlotly } from './loadPlotly';
import { plotLayout, plotTraces, type PlotInput } from './plotTraces';

/**
 * The face's points in Plotly (loaded on first show): in 3D a rotatable scene (surface, points or contours,
 * regions in colour with a legend), in 2D a flat view with y down as in the image.
 */
export function MeshPlot({ points, dims, view, triangulation, subset68, compare }: PlotInput) {
  const div = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadPlotly()
      .then((Plotly) => {
        if (!live || !div.current) return;
        const traces = plotTraces({ points, dims, view, triangulation, subset68, compare });
        return Plotly.react(div.current, traces, plotLayout(dims), { displaylogo: false, responsive: true });
      })
      .catch((e: Error) => live && setProblem(`the ${dims.toUpperCase()} view could not start: ${e.message}`));
    return () => {
      live = false;
    };
  }, [points, dims, view, triangulation, subset68, compare]);

  useEffect(() => {
    const el = div.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);

  return (
    <div className="landmarks-plot">
      {problem && <p className="error">{problem}</p>}
      <div ref={div} data-testid="landmarks-plot" style={{ width: '100%', height: 460 }} />
    </div>
  );
}
