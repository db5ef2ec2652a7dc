import type { StateCreator } from 'zustand';
import { servedWasmPath, type BackendChoice, type BackendPreference } from '../../engine/backend';
import { trainerWorker } from '../trainerWorkerClient';
import type { StudioState } from './index';

export interface BackendSlice {
  backendPreference: BackendPreference;
  backendStatus: 'idle' | 'starting' | 'ready' | 'error';
  backendChoice: BackendChoice | null;
  backendError: string | null;
  /** Starts a fresh worker on `preference`, then rebuilds the current model (with its freezing) there. */
  startBackend(preference: BackendPreference): Promise<void>;
  resetBackend(): void;
}

export const initialBackendState = {
  backendPreference: 'auto' as BackendPreference,
  backendStatus: 'idle' as BackendSlice['backendStatus'],
  backendChoice: null as BackendChoice | null,
  backendError: null as string | null,
};

let generation = 0;

export const createBackendSlice: StateCreator<StudioState, [], [], BackendSlice> = (set, get) => ({
  ...initialBackendState,

  async startBackend(preference) {
    const mine = ++generation;
    set({ backendPreference: preference, backendStatus: 'starting', backendChoice: null, backendError: null });
    trainerWorker.restart();
    try {
      const wasmPath = servedWasmPath(import.meta.env.BASE_URL, location.href);
      const choice = await trainerWorker.call((api) => api.init({ preference, wasmPath }));
      if (mine !== generation) return;
      set({ backendStatus: 'ready', backendChoice: choice });
    } catch (e) {
      if (mine !== generation) return;
      set({ backendStatus: 'error', backendError: (e as Error).message ?? String(e) });
      return;
    }
    // A saved project (or the trained model shown, on a new backend) comes back instead of the default model.
    if (!(await get().restoreProject())) await get().reloadModel();
  },

  resetBackend() {
    generation++;
    trainerWorker.terminate();
    set(initialBackendState);
  },
});
