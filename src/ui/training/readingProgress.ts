/**
 * The dataset's reading phase (the worker's scan: every image opened and checked) as the Train panel shows it,
 * before a run can start: images read, the time so far and, at the rate so far, the time left.
 */
export interface ReadingProgress {
  done: number;
  total: number;
  elapsedMs: number;
  /** Null until an image is read (no rate yet). */
  etaMs: number | null;
}

export function readingProgress(progress: { done: number; total: number }, elapsedMs: number): ReadingProgress {
  const { done, total } = progress;
  const etaMs = done > 0 ? (elapsedMs * Math.max(0, total - done)) / done : null;
  return { done, total, elapsedMs, etaMs };
}
