import type { StateCreator } from 'zustand';
import type { ShownImage } from '../../engine/train';
import { errorInfo } from '../errorInfo';
import { planRun } from '../training/planRun';
import { trainerWorker, WorkerRestarted } from '../trainerWorkerClient';
import type { StudioState } from './index';

/** Side of the show-batch thumbnails, in pixels. */
export const SHOW_BATCH_SIDE = 96;

export interface ShowBatchSlice {
  /** The batch shown (which step of epoch 1, its images), null when the view is closed. */
  shownBatch: { step: number; augmented: boolean; images: ShownImage[] } | null;
  showBatchStatus: 'idle' | 'loading' | 'failed';
  showBatchError: string | null;
  /** Shows batch `step` (default: the next one, or the first) of the run the Train panel would start now. */
  showBatch(step?: number): Promise<void>;
  closeShowBatch(): void;
  resetShowBatch(): void;
}

export const initialShowBatchState = {
  shownBatch: null as ShowBatchSlice['shownBatch'],
  showBatchStatus: 'idle' as ShowBatchSlice['showBatchStatus'],
  showBatchError: null as string | null,
};

export const createShowBatchSlice: StateCreator<StudioState, [], [], ShowBatchSlice> = (set, get) => ({
  ...initialShowBatchState,

  async showBatch(step) {
    if (get().showBatchStatus === 'loading') return;
    const at = step ?? (get().shownBatch ? get().shownBatch!.step + 1 : 0);
    set({ showBatchStatus: 'loading', showBatchError: null });
    try {
      const config = await planRun(get);
      const images = await trainerWorker.call((api) => api.showBatch(config, at, SHOW_BATCH_SIDE));
      set({ shownBatch: { step: at, augmented: !!config.augment, images }, showBatchStatus: 'idle' });
    } catch (e) {
      set({ showBatchStatus: 'failed', showBatchError: e instanceof WorkerRestarted ? 'the backend was restarted' : errorInfo(e).message });
    }
  },

  closeShowBatch: () => set(initialShowBatchState),
  resetShowBatch: () => set(initialShowBatchState),
});
