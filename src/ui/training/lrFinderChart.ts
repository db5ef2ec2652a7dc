import type { LrPoint } from '../../engine/train';

/** The LR finder's log x axis: whole decades from the first rate swept to the last. */
export function lrAxis(points: LrPoint[]): { domain: [number, number]; ticks: number[] } {
  const lrs = points.map((p) => p.lr).filter((lr) => lr > 0 && Number.isFinite(lr));
  if (!lrs.length) return { domain: [1e-7, 10], ticks: [1e-7, 1e-5, 1e-3, 1e-1, 10] };
  const lo = Math.floor(Math.log10(Math.min(...lrs)));
  const hi = Math.ceil(Math.log10(Math.max(...lrs)));
  const ticks: number[] = [];
  // `1e-5`, not 10 ** -5 (9.999…e-6): ticks fall on the decades exactly.
  for (let e = lo; e <= hi; e++) ticks.push(Number(`1e${e}`));
  return { domain: [ticks[0], ticks.at(-1)!], ticks };
}

/**
 * The loss axis of the curve: from its lowest point to a little above its first (the sweep's end, where the loss
 * blows up, would otherwise squash the part worth reading), with nice round ticks.
 */
export function lossAxis(points: LrPoint[]): { domain: [number, number] } {
  const losses = points.map((p) => p.loss).filter(Number.isFinite);
  if (!losses.length) return { domain: [0, 1] };
  const lo = Math.min(...losses);
  const hi = Math.min(Math.max(...losses), losses[0] + (losses[0] - lo) * 0.5 + 1e-6);
  const pad = (hi - lo) * 0.05 || 0.05;
  return { domain: [lo - pad, hi + pad] };
}
