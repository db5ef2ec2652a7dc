import type { TrainEvent } from '../../engine/train';

/**
 * How often per-batch events (records, progress) reach the store at most: each redraw of the chart costs
 * recharts some 20 ms of the page's thread, so the live chart redraws about once a second.
 */
export const FLUSH_EVERY_MS = 1000;

const perBatch = (e: TrainEvent) => e.type === 'record' || e.type === 'progress';

/**
 * Collects trainer events and hands them on in order, in chunks: per-batch records and progress wait for the
 * next tick of `ms`; anything else (a state change, an epoch, samples) goes at once, as a chunk of its own. Each
 * chunk is applied in a task of its own, so one store update (and the render it causes) stays small: a fast
 * run updates the store a few times a second, not once per batch, and never all its panels in one task.
 */
export function eventBuffer(apply: (events: TrainEvent[]) => void, ms = FLUSH_EVERY_MS) {
  let pending: TrainEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const chunks: TrainEvent[][] = [];
  let draining = false;
  let drained: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (chunks.length) {
        apply(chunks.shift()!);
        if (chunks.length) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      draining = false;
    }
  }

  /** Queues what is waiting; resolves once every event so far has been applied. */
  function flush(): Promise<void> {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    for (const e of pending) {
      const last = chunks.at(-1);
      if (last && perBatch(e) && perBatch(last[0])) last.push(e);
      else chunks.push([e]);
    }
    pending = [];
    if (!draining && chunks.length) drained = drain();
    return drained;
  }

  function push(event: TrainEvent): void {
    pending.push(event);
    if (!perBatch(event)) void flush();
    else timer ??= setTimeout(() => void flush(), ms);
  }

  /** Drops what has not been applied yet (a reset). */
  function clear(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = [];
    chunks.length = 0;
  }

  return { push, flush, clear };
}
