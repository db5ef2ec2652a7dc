import type { StateCreator } from 'zustand';
import { printable } from '../../engine/data';
import type { LandmarkMode, LandmarkResult } from '../../engine/landmarks';
import { landmarksClient } from '../landmarks/landmarksClient';
import type { MeshView } from '../landmarks/plotTraces';
import { predictBlob, trainedLabel } from './predictSlice';
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
  /** Why the image shown gave no landmarks, after its file name. */
  landmarksError: string | null;
  landmarksPointSet: LandmarkPointSet;
  /** How the 3D plot draws a 468-point mesh: points, surface, or 68 contours. */
  landmarksView: MeshView;
  /** Index of the face shown when there are several. */
  landmarksFace: number;
  /** A trained model's 68 points for the shown image, drawn beside ours with an NME readout against them. */
  landmarksCompare: ComparePoints | null;
  /** The trained model predicting the shown image for the comparison, or why there is no comparison. */
  landmarksCompareStatus: 'idle' | 'predicting' | 'error';
  landmarksCompareError: string | null;
  /** Shows `blob` and detects its faces in the current mode; `compare`: another model's points for it. */
  detectLandmarks(blob: Blob, name: string, compare?: ComparePoints): Promise<void>;
  /** Predicts the shown image with the trained keypoint model (Predict's path) and compares its points. */
  compareLandmarksWithTrained(): Promise<void>;
  setLandmarksMode(mode: LandmarkMode): Promise<void>;
  setLandmarksPointSet(set: LandmarkPointSet): void;
  setLandmarksView(view: MeshView): void;
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
  landmarksView: 'mesh' as MeshView,
  landmarksFace: 0,
  landmarksCompare: null as ComparePoints | null,
  landmarksCompareStatus: 'idle' as LandmarksSlice['landmarksCompareStatus'],
  landmarksCompareError: null as string | null,
};

/** The state for a new comparison: the points when there are 68 of them (iBUG order), else why not. */
function compareState(compare: ComparePoints | null): Pick<LandmarksSlice, 'landmarksCompare' | 'landmarksCompareStatus' | 'landmarksCompareError'> {
  if (compare && compare.points.length !== 68) {
    const why = `${compare.label} gives ${compare.points.length} points; comparing needs the 68 iBUG points`;
    return { landmarksCompare: null, landmarksCompareStatus: 'error', landmarksCompareError: why };
  }
  return { landmarksCompare: compare, landmarksCompareStatus: 'idle', landmarksCompareError: null };
}

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
      if (mine === generation) {
        const name = printable(get().landmarksImage?.name ?? 'the image');
        set({ landmarksStatus: 'error', landmarksError: `${name}: ${(e as Error).message ?? String(e)}`, landmarksResult: null });
      }
    }
  }
  return {
    ...initialLandmarksState,
    async detectLandmarks(blob, name, compare) {
      const previous = get().landmarksImage;
      if (previous) URL.revokeObjectURL(previous.url);
      shown = blob;
      set({ landmarksImage: { name, url: URL.createObjectURL(blob) }, landmarksResult: null, ...compareState(compare ?? null) });
      await run();
    },
    async compareLandmarksWithTrained() {
      const image = shown;
      const run = get().runConfig;
      if (!image || !run || run.task !== 'keypoints') return;
      set({ landmarksCompareStatus: 'predicting', landmarksCompareError: null });
      try {
        const result = await predictBlob(image, run);
        if (image !== shown) return;
        if (result.task !== 'keypoints') throw new Error(`the trained model predicts ${result.task}, not keypoints`);
        set(compareState({ label: trainedLabel(run), points: result.points }));
      } catch (e) {
        if (image === shown) set({ landmarksCompareStatus: 'error', landmarksCompareError: (e as Error)?.message ?? String(e) });
      }
    },
    async setLandmarksMode(mode) {
      set({ landmarksMode: mode });
      await run();
    },
    setLandmarksPointSet: (landmarksPointSet) => set({ landmarksPointSet }),
    setLandmarksView: (landmarksView) => set({ landmarksView }),
    setLandmarksFace: (landmarksFace) => set({ landmarksFace }),
    setLandmarksCompare: (compare) => set(compareState(compare)),
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
