import type { StateCreator } from 'zustand';
import type { LandmarkMode, LandmarkResult } from '../../engine/landmarks';
import { landmarksClient } from '../landmarks/landmarksClient';
import type { StudioState } from './index';

/** Which points of a 3D result the views show: FaceMesh's 468, or their 68-point iBUG subset. */
export type LandmarkPointSet = 'mesh' | 'subset68';

/** 68 points in pixels of the shown image from another model (a trained keypoint model), drawn beside ours. */
export interface ComparePoints {
  label: string;
  points: number[][];
}

export interface LandmarksSlice {
  landmarksStatus: 'idle' | 'detecting' | 'ready' | 'error';
  /** The image shown: its name and an object URL of it. */
  landmarksImage: { name: string; url: string } | null;
  landmarksMode: LandmarkMode;
  landmarksResult: LandmarkResult | null;
  landmarksError: string | null;
  landmarksPointSet: LandmarkPointSet;
  /** Index of the face shown when there are several. */
  landmarksFace: number;
  /** The hook for item 3: a trained model's 68 points for the shown image, with an NME readout against ours. */
  landmarksCompare: ComparePoints | null;
  /** Shows `blob` and detects its faces in the current mode. */
  detectLandmarks(blob: Blob, name: string): Promise<void>;
  setLandmarksMode(mode: LandmarkMode): Promise<void>;
  setLandmarksPointSet(set: LandmarkPointSet): void;
  setLandmarksFace(index: number): void;
  setLandmarksCompare(compare: ComparePoints | null): void;
  resetLandmarks(): void;
}

export const initialLandmarksState = {
  landmarksStatus: 'idle' as LandmarksSlice['landmarksStatus'],
  landmarksImage: null as LandmarksSlice['landmarksImage'],
  landmarksMode: '3d' as LandmarkMode,
  landmarksResult: null as LandmarkResult | null,
  landmarksError: null as string | null,
  landmarksPointSet: 'mesh' as LandmarkPointSet,
  landmarksFace: 0,
  landmarksCompare: null as ComparePoints | null,
};

let shown: Blob | null = null;
let generation = 0;

export const createLandmarksSlice: StateCreator<StudioState, [], [], LandmarksSlice> = (set, get) => {
  async function run(): Promise<void> {
    if (!shown) return;
    const mine = ++generation;
    set({ landmarksStatus: 'detecting', landmarksError: null });
    try {
      const result = await landmarksClient.detect(shown, get().landmarksMode, get().backendPreference);
      if (mine === generation) set({ landmarksStatus: 'ready', landmarksResult: result, landmarksFace: 0 });
    } catch (e) {
      if (mine === generation) set({ landmarksStatus: 'error', landmarksError: (e as Error).message ?? String(e), landmarksResult: null });
    }
  }
  return {
    ...initialLandmarksState,
    async detectLandmarks(blob, name) {
      const previous = get().landmarksImage;
      if (previous) URL.revokeObjectURL(previous.url);
      shown = blob;
      set({ landmarksImage: { name, url: URL.createObjectURL(blob) }, landmarksResult: null, landmarksCompare: null });
      await run();
    },
    async setLandmarksMode(mode) {
      set({ landmarksMode: mode });
      await run();
    },
    setLandmarksPointSet: (landmarksPointSet) => set({ landmarksPointSet }),
    setLandmarksFace: (landmarksFace) => set({ landmarksFace }),
    setLandmarksCompare: (landmarksCompare) => set({ landmarksCompare }),
    resetLandmarks() {
      generation++;
      const previous = get().landmarksImage;
      if (previous) URL.revokeObjectURL(previous.url);
      shown = null;
      landmarksClient.terminate();
      set(initialLandmarksState);
    },
  };
};
