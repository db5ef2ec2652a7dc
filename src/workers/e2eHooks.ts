/**
 * e2e builds only: what the Playwright specs use to place a fault or a stall where a bug or a frozen machine
 * would put it, with no mocking. trainer.worker.ts imports this module only when `import.meta.env.MODE` is
 * 'e2e', so Vite leaves it out of every other build. It imports no code (the worker hands in what it needs), so
 * its chunk does not pull the worker's modules apart.
 */
import type { Archive } from '../engine/data';
import type { Hook, TrainContext } from '../engine/train';

/** The call whose next run throws inside the worker. */
export type FaultPoint = 'train' | 'predict';

let fault: FaultPoint | null = null;
/** The batch where the next run stops moving, as if the machine froze there. */
let stall: { epoch: number; batch: number; reached: boolean; release?: () => void } | null = null;

/** Holds the run at the chosen batch until `release` (if ever). */
function holdAtStall(ctx: TrainContext): Promise<void> | undefined {
  if (!stall || stall.reached || stall.epoch !== ctx.epoch || stall.batch !== ctx.batch) return undefined;
  const held = stall;
  held.reached = true;
  return new Promise<void>((resolve) => (held.release = resolve));
}

/** Throws the injected fault once, where `point` is reached; a no-op unless one was injected. */
export function faultAt(point: FaultPoint): void {
  if (fault !== point) return;
  fault = null;
  throw new Error(`injected ${point} fault (e2e)`);
}

/** The training hooks: the fault is thrown from deep in the loop, so it takes the path a real failure would. */
export const hooks: Hook[] = [
  { name: 'fault', onBatchEnd: () => faultAt('train') },
  { name: 'stall', onBatchBegin: holdAtStall },
];

/** The next run holds at `batch` (0-based) of `epoch` until `release` (to act there). */
export function stallAt(epoch: number, batch: number): void {
  stall = { epoch, batch, reached: false };
}

/** Whether the run is held at the stall. */
export const stalled = (): boolean => !!stall?.reached;

/** Lets a held run go on. */
export function release(): void {
  stall?.release?.();
  stall = null;
}

/**
 * The next `point` call throws inside the worker; 'device-lost' destroys the GPUDevice now, as a driver reset
 * would (`destroyDevice`: the backend's, false when it has none).
 */
export function injectFault(point: FaultPoint | 'device-lost', destroyDevice: () => boolean): void {
  if (point !== 'device-lost') fault = point;
  else if (!destroyDevice()) throw new Error('no GPU device to lose: the backend is not WebGPU');
}

/** Dataset archives opened, and entries read from them, in this worker. */
const zip = { opens: 0, reads: 0 };

/** Counts the opening of `archive` and every entry read from it (`zipStats`). */
export function counted(archive: Archive): Archive {
  zip.opens++;
  return {
    ...archive,
    read(path) {
      zip.reads++;
      return archive.read(path);
    },
  };
}

/** Dataset archives opened and entries read from them so far. */
export const zipStats = (): { opens: number; reads: number } => ({ ...zip });
