import { transfer, wrap, type Remote } from 'comlink';
import { servedWasmPath, type BackendChoice, type BackendPreference } from '../../engine/backend';
import type { LandmarkMode, LandmarkResult } from '../../engine/landmarks';
import type { LandmarksWorkerApi } from '../../workers/landmarks.worker';

/**
 * The one owner of the landmarks worker: started on first use, on the user's backend preference, so the
 * landmark models never run on the page's thread; calls are queued one after another.
 */
class LandmarksClient {
  private worker: Worker | null = null;
  private api: Remote<LandmarksWorkerApi> | null = null;
  private ready: Promise<BackendChoice> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private start(preference: BackendPreference): Promise<BackendChoice> {
    if (!this.ready) {
      this.worker = new Worker(new URL('../../workers/landmarks.worker.ts', import.meta.url), { type: 'module', name: 'landmarks' });
      this.api = wrap<LandmarksWorkerApi>(this.worker);
      this.ready = this.api.init({ preference, wasmPath: servedWasmPath(import.meta.env.BASE_URL, location.href) });
    }
    return this.ready;
  }

  /** Landmarks of an encoded image, in `mode`. */
  detect(blob: Blob, mode: LandmarkMode, preference: BackendPreference): Promise<LandmarkResult> {
    const run = this.queue.then(async () => {
      await this.start(preference);
      const bytes = await blob.arrayBuffer();
      return this.api!.detect(transfer(bytes, [bytes]), mode);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Landmarks of a camera frame (transferred to the worker), in `mode`. */
  detectFrame(frame: ImageBitmap, mode: LandmarkMode, preference: BackendPreference): Promise<LandmarkResult> {
    const run = this.queue.then(async () => {
      await this.start(preference);
      return this.api!.detectFrame(transfer(frame, [frame]), mode);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.ready = null;
    this.queue = Promise.resolve();
  }
}

export const landmarksClient = new LandmarksClient();
