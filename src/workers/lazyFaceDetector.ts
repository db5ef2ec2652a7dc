import { createFaceDetector, type FaceDetector, type LandmarkLibs } from '../engine/landmarks';
import type { WeightSource } from '../engine/models';

/**
 * BlazeFace for models that take face crops (`ModelConfig.faceCrop`), loaded on first use: Human's no-bundle build
 * is imported only then, so the trainer worker's bundle stays as it was for every other task. `forget` drops it
 * (a restarted backend: its weights lived on the old one), and a failed load is tried again next time.
 */
export function lazyFaceDetector(source: WeightSource) {
  let loading: Promise<FaceDetector> | null = null;
  async function load(): Promise<FaceDetector> {
    // Human's package `exports` names only its bundled builds (each with its own tfjs): the no-bundle one by path,
    // as landmarks.worker.ts imports it, on the engine's tfjs.
    const { Human } = await import('../../node_modules/@vladmandic/human/dist/human.esm-nobundle.js');
    return createFaceDetector({ Human } as unknown as Pick<LandmarkLibs, 'Human'>, source);
  }
  return {
    get(): Promise<FaceDetector> {
      loading ??= load().catch((e: unknown) => {
        loading = null;
        throw e;
      });
      return loading;
    },
    forget(): void {
      loading = null;
    },
  };
}
