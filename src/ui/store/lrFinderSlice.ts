import { proxy } from 'comlink';
import type { StateCreator } from 'zustand';
import { roundRate, type LrFindResult, type LrPoint } from '../../engine/train';
import type { LrFindEvent } from '../../workers/trainer.worker';
import { errorInfo } from '../errorInfo';
import { planRun } from '../training/planRun';
import { trainerWorker, WorkerRestarted } from '../trainerWorkerClient';
import type { StudioState } from './index';
import { nextUndoSeq } from './undoOrder';

/** Significant digits of a suggested rate as the button offers it and the field takes it: "Use 3.4e-3". */
export const SUGGESTION_DIGITS = 2;

/** The learning-rate finder as the Train panel shows it: plain data from the worker's sweep. */
export interface LrFinderView {
  status: 'idle' | 'running' | 'done' | 'failed';
  /** Where a running sweep is: the face crops (a model that takes them), the feature cache, then its steps. */
  progress: { phase: 'faces' | 'cache' | 'sweep'; done: number; total: number } | null;
  /** (lr, smoothed loss, raw loss) per step so far. */
  points: LrPoint[];
  /** The finished sweep's suggestions and why it ended (suggestions NaN when cancelled before a curve). */
  result: Pick<LrFindResult, 'suggestion' | 'steep' | 'valley' | 'ended'> | null;
  /** What it swept: backbone, input size, batch (the curve holds for that). */
  sweptFor: string | null;
  message: string | null;
}

export interface LrFinderSlice {
  lrFinder: LrFinderView;
  /**
   * The last "Use …" of a suggestion: the learning-rate override before it (undefined: none, the proposed rate)
   * and the rate it set. Undo puts the override back; `seq` orders it among the tree's undos (`latestUndo`).
   */
  lrTaken: { before: number | undefined; rate: number; seq: number } | null;
  /** Sweeps the learning rate on the model the tree shows, the open dataset and the Train panel's choices. */
  findLearningRate(): Promise<void>;
  /** Ends the sweep at its next step; the points so far stay. */
  cancelLrFind(): Promise<void>;
  /** Sets the learning rate to the suggestion (rounded to what the button shows); undoable. */
  useSuggestedLr(): void;
  /** Puts back the learning rate the last "Use" replaced. */
  undoUseLr(): void;
  resetLrFinder(): void;
}

export const initialLrFinderView: LrFinderView = { status: 'idle', progress: null, points: [], result: null, sweptFor: null, message: null };
export const initialLrFinderState = { lrFinder: initialLrFinderView, lrTaken: null as LrFinderSlice['lrTaken'] };

/** What a cancelled sweep says. */
const cancelledAfter = (steps: number) => `Cancelled after ${steps} step${steps === 1 ? '' : 's'}.`;

/** The learning-rate override set to `rate` (undefined: removed, so the proposed rate shows again). */
function withRate<T extends { learningRate?: number }>(overrides: T, rate: number | undefined): T {
  const { learningRate: _old, ...rest } = overrides;
  return (rate === undefined ? rest : { ...rest, learningRate: rate }) as T;
}

export const createLrFinderSlice: StateCreator<StudioState, [], [], LrFinderSlice> = (set, get) => {
  const update = (patch: Partial<LrFinderView>) => set((s) => ({ lrFinder: { ...s.lrFinder, ...patch } }));
  /**
   * The sweep whose events are shown. Events travel on their own port, not ordered with the call's reply: one
   * that arrives after its sweep ended (or from an older sweep) is dropped, and the result's points stand.
   */
  let current = 0;
  /**
   * A cancel of the current sweep. It may come before the worker started it (while the run is planned), when
   * the worker has no sweep to end: the sweep then ends at its first event instead.
   */
  let cancelAsked = false;
  const cancelInWorker = () => trainerWorker.now((api) => api.cancelLrFind()).catch(() => undefined);
  return {
    ...initialLrFinderState,

    async findLearningRate() {
      const s = get();
      if (s.lrFinder.status === 'running' || s.trainState === 'running' || s.trainState === 'paused') return;
      const sweep = ++current;
      cancelAsked = false;
      set({ lrFinder: { ...initialLrFinderView, status: 'running', message: 'Preparing…' } });
      const live = () => sweep === current && get().lrFinder.status === 'running';
      try {
        const config = await planRun(get);
        if (cancelAsked) {
          update({ status: 'done', result: { suggestion: NaN, steep: NaN, valley: NaN, ended: 'cancelled' }, progress: null, message: cancelledAfter(0) });
          return;
        }
        update({ sweptFor: `${config.model.backbone} at ${config.model.inputSize}², ${config.optimizer}, batch ${config.batchSize}`, message: null });
        const onEvent = proxy((e: LrFindEvent) => {
          if (!live()) return;
          if (cancelAsked) void cancelInWorker();
          if (e.type === 'faces' || e.type === 'cache') update({ progress: { phase: e.type, done: e.done, total: e.total } });
          else set((st) => ({ lrFinder: { ...st.lrFinder, points: [...st.lrFinder.points, e.point], progress: { phase: 'sweep', done: e.index + 1, total: e.total } } }));
        });
        const { points, suggestion, steep, valley, ended } = await trainerWorker.call((api) => api.lrFind(config, onEvent));
        const said = ended === 'cancelled' ? cancelledAfter(points.length) : null;
        if (sweep === current) update({ status: 'done', points, result: { suggestion, steep, valley, ended }, progress: null, message: said });
      } catch (e) {
        if (sweep !== current) return;
        if (e instanceof WorkerRestarted) update({ status: 'failed', progress: null, message: 'the backend was restarted' });
        else update({ status: 'failed', progress: null, message: errorInfo(e).message });
      }
    },

    async cancelLrFind() {
      if (get().lrFinder.status !== 'running') return;
      cancelAsked = true;
      await cancelInWorker();
    },

    useSuggestedLr() {
      const { lrFinder, hyperOverrides } = get();
      const suggestion = lrFinder.result?.suggestion;
      if (suggestion === undefined || !Number.isFinite(suggestion)) return;
      const rate = roundRate(suggestion, SUGGESTION_DIGITS);
      set({ lrTaken: { before: hyperOverrides.learningRate, rate, seq: nextUndoSeq() }, hyperOverrides: withRate(hyperOverrides, rate) });
    },

    undoUseLr() {
      const taken = get().lrTaken;
      if (!taken) return;
      set((s) => ({ lrTaken: null, hyperOverrides: withRate(s.hyperOverrides, taken.before) }));
    },

    resetLrFinder() {
      current++;
      set(initialLrFinderState);
    },
  };
};
