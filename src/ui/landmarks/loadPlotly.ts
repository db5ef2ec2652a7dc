import type Plotly from 'plotly.js';

let plotly: Promise<typeof Plotly> | null = null;

/** Plotly's partial gl3d bundle (~1.7 MB), fetched on first use so the first screen stays light. */
export function loadPlotly(): Promise<typeof Plotly> {
  plotly ??= import('plotly.js-gl3d-dist-min').then((m) => m.default);
  return plotly;
}
