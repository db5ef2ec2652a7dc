/** face-alignment's LandmarksType.TWO_D / THREE_D, by the name used in the UI, the CLI (`--mode`) and the worker. */
export const LANDMARK_MODES = ['2d', '3d'] as const;
export type LandmarkMode = (typeof LANDMARK_MODES)[number];

/** `[x, y, width, height]` in pixels of the original image. */
export type Box = [number, number, number, number];

/** One detected face. Plain data; every coordinate is in pixels of the original image. */
export interface LandmarkFace {
  box: Box;
  /** The detector's confidence, 0..1 (0 for the whole-image fallback). */
  score: number;
  /** 2D: 68 `[x, y]` points in iBUG order. 3D: FaceMesh's 468 `[x, y, z]` points (z: depth, same scale, negative towards the camera). */
  points: number[][];
  /** 3D only: the 68 iBUG points taken from the mesh (see meshTo68), `[x, y, z]`. */
  subset68?: number[][];
  /** True when no face was detected and the whole image was used as the face box (`fallback: true`). */
  fallback?: boolean;
}

export interface LandmarkResult {
  mode: LandmarkMode;
  faces: LandmarkFace[];
  /** One line for the user: what was found, or why nothing was. */
  message: string;
  /** Size of the image the points refer to. */
  width: number;
  height: number;
  /** 3D only: FaceMesh's surface, triangles as index triples `i, j, k` into the 468 points (880 triangles). */
  triangulation?: number[];
}

export interface LandmarkOptions {
  mode: LandmarkMode;
  /** Most faces returned per image. */
  maxFaces: number;
  /** Detector confidence below which a face is dropped. */
  minConfidence: number;
  /**
   * 2D only: when no face is detected, treat the whole image as the face box (for tight face crops such as the
   * facial-keypoints dataset) instead of returning no face.
   */
  fallback: boolean;
}

export const DEFAULT_LANDMARK_OPTIONS: LandmarkOptions = { mode: '2d', maxFaces: 10, minConfidence: 0.5, fallback: false };

/** RGB pixels, 3 bytes per pixel, row-major (the engine's DecodedImage fits). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}
