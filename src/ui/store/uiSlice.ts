import type { StateCreator } from 'zustand';
import type { StepName } from '../steps';
import type { StudioState } from './index';

/** Tree rows shallower than this start expanded: the root, so the top-level modules show and no deeper. */
export const EXPAND_DEPTH = 1;

export interface UiSlice {
  /** Module path → expanded (true) or collapsed (false); unset rows follow EXPAND_DEPTH. */
  expanded: Record<string, boolean>;
  setExpanded(path: string, open: boolean): void;
  /** The step the user is at (the rail's current one; the URL hash keeps it across a reload). */
  step: StepName;
  setStep(step: StepName): void;
  resetUi(): void;
}

export const initialUiState = { expanded: {} as Record<string, boolean>, step: 'data' as StepName };

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  ...initialUiState,
  setExpanded: (path, open) => set((s) => ({ expanded: { ...s.expanded, [path]: open } })),
  setStep: (step) => set({ step }),
  resetUi: () => set(initialUiState),
});
