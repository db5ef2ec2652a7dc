// Human's package `exports` names only its bundled builds (each with its own tfjs), so its no-bundle build is
// imported by path.
import { Human } from '../../node_modules/@vladmandic/human/dist/human.esm-nobundle.js';
import { env as faceApiEnv, FaceLandmark68Net } from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { expose } from 'comlink';
import { selectBackend, type BackendChoice, type SelectBackendOptions } from '../engine/backend';
import { bitmapDecoder, bitmapPixels, type DecodedImage } from '../engine/data';
import { createLandmarker, type LandmarkLibs, type Landmarker, type LandmarkMode, type LandmarkResult } from '../engine/landmarks';
import { fetchSource } from '../engine/models';

/** The no-bundle ESM builds import tfjs from node_modules: the same instance, and backend, as the engine's. */
const libs = { Human, FaceLandmark68Net } as unknown as LandmarkLibs;

/**
 * face-api recognises only a page or Node as its environment and then refuses to run, even on tensors. In a
 * worker it gets the canvas classes a worker has; no element (image, video, page canvas) exists here, and our
 * inputs are always tensors.
 */
function workerEnvironment(): Parameters<typeof faceApiEnv.setEnv>[0] {
  const none = (what: string) => () => {
    throw new Error(`face-api asked for ${what}, which a worker does not have`);
  };
  return {
    Canvas: OffscreenCanvas,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
    Image: class {},
    ImageData,
    Video: class {},
    createCanvasElement: () => new OffscreenCanvas(1, 1),
    createImageElement: none('an <img>'),
    createVideoElement: none('a <video>'),
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
    readFile: none('a file system'),
  } as unknown as Parameters<typeof faceApiEnv.setEnv>[0];
}
faceApiEnv.setEnv(workerEnvironment());

let choice: Promise<BackendChoice> | null = null;
let landmarker: Promise<Landmarker> | null = null;

async function detectIn(image: DecodedImage, mode: LandmarkMode): Promise<LandmarkResult> {
  if (!choice) throw new Error('landmarks worker: init first');
  await choice;
  landmarker ??= createLandmarker(libs, fetchSource('/weights/'));
  return (await landmarker).detect(image, { mode });
}

const api = {
  /** Picks and starts the tfjs backend of this worker; the models load on the first `detect`. */
  init(options: SelectBackendOptions): Promise<BackendChoice> {
    choice ??= selectBackend(options);
    return choice;
  },
  /** Faces and landmarks of an encoded image (its buffer is transferred). */
  async detect(bytes: ArrayBuffer, mode: LandmarkMode): Promise<LandmarkResult> {
    return detectIn(await bitmapDecoder(new Uint8Array(bytes)), mode);
  },
  /** Faces and landmarks of a camera frame (transferred, closed here). */
  async detectFrame(frame: ImageBitmap, mode: LandmarkMode): Promise<LandmarkResult> {
    try {
      return await detectIn(bitmapPixels(frame), mode);
    } finally {
      frame.close();
    }
  },
};

export type LandmarksWorkerApi = typeof api;
expose(api);
