export { LANDMARK_MODES, DEFAULT_LANDMARK_OPTIONS } from './types';
export type { LandmarkMode, Box, LandmarkFace, LandmarkResult, LandmarkOptions, RgbImage } from './types';
export { createLandmarker, readFaceApiWeights, type Landmarker, type LandmarkLibs, type HumanLike } from './createLandmarker';
export type { LandmarkNet } from './fit68';
export { MESH_TO_68, meshTo68 } from './meshTo68';
export { FACE_CONTOURS, contourIndices, pointGroup } from './faceContours';
export { pointsNme } from './pointsNme';
export { FACE_REGIONS, faceRegion, type FaceRegion } from './faceRegions';
export { createFaceDetector, centralFace, type FaceDetector, type DetectedFace } from './faceDetector';
