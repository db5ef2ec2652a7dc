import { useEffect, useRef } from 'react';

/**
 * While `active`, calls `onFrame` again and again, never two at once and at most once every `intervalMs`: a
 * slow worker lowers the rate instead of queueing frames. A failing call ends nothing; the next one runs.
 */
export function useFrameLoop(active: boolean, intervalMs: number, onFrame: () => Promise<void>): void {
  const latest = useRef(onFrame);
  latest.current = onFrame;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const started = performance.now();
      await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(tick, Math.max(0, intervalMs - (performance.now() - started)));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, intervalMs]);
}
