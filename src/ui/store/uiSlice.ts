import type { StateCreator } from 'zustand';
import type { StudioState } from './index';

/** Tree rows shallower than this start expanded. */
export const EXPAND_DEPTH = 2;

export interface UiSlice {
  /** Module path → expanded (true) or collapsed (false); unset rows follow EXPAND_DEPTH. */
  expanded: Record<string, boolean>;
  setExpanded(path: string, open: boolean): void;
  resetUi(): void;
}

export const initialUiState = { expanded: {} as Record<string, boolean> };

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  ...initialUiState,
  setExpanded: (path, open) => set((s) => ({ expanded: { ...s.expanded, [path]: open } })),
  resetUi: () => set(initialUiState),
});
