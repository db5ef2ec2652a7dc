import { createFaceDetector, type FaceDetector } from '../engine/landmarks';
import type { FaceCropSpec } from '../engine/data';
import { fileWeightSource } from './fileWeightSource';
import { nodeLandmarkLibs } from './landmarkLibs';

/** BlazeFace from public/weights on this process's tfjs backend, loaded only for a model that takes face crops. */
export async function faceDetectorFor(faceCrop: FaceCropSpec | undefined): Promise<FaceDetector | undefined> {
  return faceCrop ? createFaceDetector(nodeLandmarkLibs(), fileWeightSource()) : undefined;
}
