import { transfer, wrap, type Remote } from 'comlink';
import { servedWasmPath, type BackendChoice, type BackendPreference } from '../../engine/backend';
import type { LandmarkMode, LandmarkResult } from '../../engine/landmarks';
import type { LandmarksWorkerApi } from '../../workers/landmarks.worker';

/** A running worker and a promise that rejects when it fails (its code did not load, or it crashed). */
interface Session {
  worker: Worker;
  api: Remote<LandmarksWorkerApi>;
  failed: Promise<never>;
  ready: Promise<BackendChoice>;
}

/**
 * The one owner of the landmarks worker: started on first use, on the user's backend preference, so the
 * landmark models never run on the page's thread; calls are queued one after another. A worker that fails
 * rejects the calls waiting on it (the panel shows why, never a spinner forever); the next call starts a new one.
 */
class LandmarksClient {
  private session: Session | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private start(preference: BackendPreference): Session {
    if (!this.session) {
      const worker = new Worker(new URL('../../workers/landmarks.worker.ts', import.meta.url), { type: 'module', name: 'landmarks' });
      let fail: (reason: Error) => void = () => {};
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => {});
      const session: Session = { worker, api: wrap<LandmarksWorkerApi>(worker), failed, ready: failed };
      worker.addEventListener('error', (e) => {
        fail(new Error(`The landmarks worker failed: ${e.message || 'its code could not be loaded'}. Try again, or reload the page.`));
        if (this.session === session) this.terminate();
      });
      session.ready = Promise.race([session.api.init({ preference, wasmPath: servedWasmPath(import.meta.env.BASE_URL, location.href) }), failed]);
      this.session = session;
    }
    return this.session;
  }

  /** Landmarks of an encoded image, in `mode`. */
  detect(blob: Blob, mode: LandmarkMode, preference: BackendPreference): Promise<LandmarkResult> {
    const run = this.queue.then(async () => {
      const { api, ready, failed } = this.start(preference);
      await ready;
      const bytes = await blob.arrayBuffer();
      return Promise.race([api.detect(transfer(bytes, [bytes]), mode), failed]);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Landmarks of a camera frame (transferred to the worker), in `mode`. */
  detectFrame(frame: ImageBitmap, mode: LandmarkMode, preference: BackendPreference): Promise<LandmarkResult> {
    const run = this.queue.then(async () => {
      const { api, ready, failed } = this.start(preference);
      await ready;
      return Promise.race([api.detectFrame(transfer(frame, [frame]), mode), failed]);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  terminate(): void {
    this.session?.worker.terminate();
    this.session = null;
    this.queue = Promise.resolve();
  }
}

export const landmarksClient = new LandmarksClient();
