import * as tf from '@tensorflow/tfjs';
import type { WeightSource } from '../models/weights/weightSource';
import { fit68, type LandmarkNet } from './fit68';
import { meshTo68 } from './meshTo68';
import {
  DEFAULT_LANDMARK_OPTIONS,
  type Box,
  type LandmarkFace,
  type LandmarkOptions,
  type LandmarkResult,
  type RgbImage,
} from './types';
import { weightRouteBase } from './weightRoute';

/** One face of Human's result, as much of it as the glue reads. */
interface HumanFace {
  box: Box;
  score: number;
  /** 468 `[x, y, z]` points in pixels of the input. */
  mesh: number[][];
}
/** `@vladmandic/human`'s Human, as much of it as the glue uses. */
export interface HumanLike {
  load(): Promise<void>;
  /** FaceMesh's triangles, index triples into its 468 points. */
  readonly faceTriangulation: readonly number[];
  detect(input: tf.Tensor, config?: object): Promise<{ face: HumanFace[]; error?: string | null }>;
}

/**
 * The two libraries' classes, from builds that run on this process's tfjs: the no-bundle ESM builds in the
 * browser worker, the `node-wasm` CommonJS builds in Node (src/cli/landmarkLibs.ts). Passing them in keeps the
 * engine free of either loading style.
 */
export interface LandmarkLibs {
  Human: new (config: object) => HumanLike;
  FaceLandmark68Net: new () => LandmarkNet;
}

export interface Landmarker {
  /** Faces and their landmarks in `image`; never throws for "no face". Creates no lasting tensors. */
  detect(image: RgbImage, options?: Partial<LandmarkOptions>): Promise<LandmarkResult>;
  dispose(): void;
}

/** Folders of public/weights (see scripts/prepare-weights.ts). */
const FACE_LANDMARK_68 = 'face_landmark_68/face_landmark_68_model-weights_manifest.json';

/**
 * Human with only BlazeFace (+ FaceMesh unless `mesh` is false) on, for still images: no frame skipping or caching
 * between calls.
 */
export function humanConfig(modelBasePath: string, mesh = true): object {
  const off = { enabled: false };
  return {
    backend: tf.getBackend(),
    modelBasePath,
    cacheModels: false,
    cacheSensitivity: 0,
    debug: false,
    warmup: 'none',
    filter: off,
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { modelPath: 'blazeface/blazeface.json', rotation: false, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: mesh, modelPath: 'facemesh/facemesh.json', keepInvalid: false },
      iris: off,
      attention: off,
      emotion: off,
      description: off,
      antispoof: off,
      liveness: off,
    },
  };
}

/** A face-api net's weights from its tfjs manifest under `source` (`folder/…-weights_manifest.json`), for `loadFromWeightMap`. */
export async function readFaceApiWeights(source: WeightSource, manifestPath: string): Promise<tf.NamedTensorMap> {
  const manifest = JSON.parse(new TextDecoder().decode(await source.read(manifestPath))) as tf.io.WeightsManifestConfig;
  const dir = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1);
  const shards = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => source.read(dir + p)));
  return tf.io.decodeWeights(tf.io.concatenateArrayBuffers(shards), manifest.flatMap((g) => g.weights));
}

async function loadLandmarkNet(libs: LandmarkLibs, source: WeightSource): Promise<LandmarkNet> {
  const net = new libs.FaceLandmark68Net();
  net.loadFromWeightMap(await readFaceApiWeights(source, FACE_LANDMARK_68));
  return net;
}

const plural = (n: number) => `${n} face${n === 1 ? '' : 's'}`;

/**
 * Loads BlazeFace + FaceMesh (through Human) and face-api's 68-point net from `source` once, for any number of
 * images, on the active tfjs backend.
 */
export async function createLandmarker(libs: LandmarkLibs, source: WeightSource): Promise<Landmarker> {
  const human = new libs.Human(humanConfig(weightRouteBase(source)));
  await human.load();
  const net = await loadLandmarkNet(libs, source);
  const triangulation = [...human.faceTriangulation];
  if (triangulation.length % 3 !== 0 || triangulation.some((i) => i < 0 || i >= 468)) {
    throw new Error(`Human's face triangulation is not index triples into 468 points (${triangulation.length} indices)`);
  }

  async function detect(image: RgbImage, overrides: Partial<LandmarkOptions> = {}): Promise<LandmarkResult> {
    const options = { ...DEFAULT_LANDMARK_OPTIONS, ...overrides };
    const { width, height } = image;
    const pixels = tf.tensor3d(image.data, [height, width, 3], 'int32');
    try {
      const found = await human.detect(pixels, {
        backend: tf.getBackend(),
        face: { detector: { maxDetected: options.maxFaces, minConfidence: options.minConfidence } },
      });
      if (found.error) throw new Error(`face detection failed: ${found.error}`);
      const faces: LandmarkFace[] = [];
      for (const f of found.face) {
        const box = f.box.slice(0, 4) as Box;
        if (options.mode === '3d') {
          faces.push({ box, score: f.score, points: f.mesh.map((p) => p.slice(0, 3)), subset68: meshTo68(f.mesh) });
        } else {
          faces.push({ box, score: f.score, points: await fit68(net, pixels, box) });
        }
      }
      if (faces.length > 0) {
        const surface = options.mode === '3d' ? { triangulation } : {};
        return { mode: options.mode, faces, message: `found ${plural(faces.length)}`, width, height, ...surface };
      }
      if (options.fallback && options.mode === '2d') {
        const box: Box = [0, 0, width, height];
        const points = await fit68(net, pixels, box);
        const message = 'no face detected; the whole image was used as the face box';
        return { mode: options.mode, faces: [{ box, score: 0, points, fallback: true }], message, width, height };
      }
      return { mode: options.mode, faces: [], message: `no face found in this ${width}×${height} image`, width, height };
    } finally {
      pixels.dispose();
    }
  }

  return {
    detect,
    dispose() {
      net.dispose();
    },
  };
}
