import * as tf from '@tensorflow/tfjs';
import type { WeightSource } from '../models/weights/weightSource';
import { humanConfig, type LandmarkLibs } from './createLandmarker';
import type { Box, RgbImage } from './types';
import { weightRouteBase } from './weightRoute';

/** One face BlazeFace found: its box in pixels of the image and its confidence. */
export interface DetectedFace {
  box: Box;
  score: number;
}

/** Face boxes only (BlazeFace through Human, no mesh): what the face crop (data/faceCrop.ts) is cut around. */
export interface FaceDetector {
  /** Every face found in `image`, any order; none is an empty list. Creates no lasting tensors. */
  detect(image: RgbImage): Promise<DetectedFace[]>;
}

/** How sure BlazeFace must be; low, because the crop wants the image's own face even when it is small or turned. */
const MIN_CONFIDENCE = 0.2;

/** Loads BlazeFace from `source` once, for any number of images, on the active tfjs backend. */
export async function createFaceDetector(libs: Pick<LandmarkLibs, 'Human'>, source: WeightSource): Promise<FaceDetector> {
  const human = new libs.Human(humanConfig(weightRouteBase(source), false));
  await human.load();
  return {
    async detect({ data, width, height }) {
      const pixels = tf.tensor3d(data, [height, width, 3], 'int32');
      try {
        const found = await human.detect(pixels, {
          backend: tf.getBackend(),
          face: { detector: { maxDetected: 5, minConfidence: MIN_CONFIDENCE } },
        });
        if (found.error) throw new Error(`face detection failed: ${found.error}`);
        return found.face.map((f) => ({ box: f.box.slice(0, 4) as Box, score: f.score }));
      } finally {
        pixels.dispose();
      }
    },
  };
}

/** The face whose box centre is nearest the image centre: the photo's subject when a neighbour's face shows too. */
export function centralFace<F extends { box: Box }>(faces: F[], width: number, height: number): F | undefined {
  const offCentre = ({ box }: F) => Math.hypot(box[0] + box[2] / 2 - width / 2, box[1] + box[3] / 2 - height / 2);
  return faces.reduce<F | undefined>((a, b) => (a === undefined || offCentre(b) < offCentre(a) ? b : a), undefined);
}
