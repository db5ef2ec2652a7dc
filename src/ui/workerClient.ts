import { releaseProxy, wrap, type Remote } from 'comlink';
import type { TrainerWorkerApi } from '../workers/trainer.worker';

/** A call that was cut short because the worker was restarted (a new backend); not a failure to show. */
export class WorkerRestarted extends Error {
  constructor() {
    super('trainer worker restarted');
    this.name = 'WorkerRestarted';
  }
}

interface Session {
  worker: Worker;
  api: Remote<TrainerWorkerApi>;
  /** Rejects when this worker is terminated or fails, so calls waiting on it do not hang. */
  ended: Promise<never>;
  end: (reason: Error) => void;
}

/**
 * The one owner of the trainer worker (which holds the model): starts it, restarts it (a new backend means a
 * fresh worker), queues calls so each runs after the previous one finished, and ends it.
 */
export class ModelWorkerClient {
  private session: Session | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  /** Ends any running worker and starts a fresh one. */
  restart(): void {
    this.terminate();
    const worker = new Worker(new URL('../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    let end: (reason: Error) => void = () => {};
    const ended = new Promise<never>((_, reject) => (end = reject));
    ended.catch(() => {});
    worker.addEventListener('error', (e) => end(new Error(`trainer worker failed: ${e.message || 'could not load'}`)));
    this.session = { worker, api: wrap<TrainerWorkerApi>(worker), ended, end };
    this.queue = Promise.resolve();
  }

  /** Runs `fn` against the worker after every call queued before it. */
  call<T>(fn: (api: Remote<TrainerWorkerApi>) => Promise<T>): Promise<T> {
    if (!this.session) this.restart();
    const { api, ended } = this.session!;
    const run = this.queue.then(() => Promise.race([fn(api), ended]));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` now, beside whatever is queued: for pause, resume and stop, which must reach the worker while
   * its `train` call is still running.
   */
  now<T>(fn: (api: Remote<TrainerWorkerApi>) => Promise<T>): Promise<T> {
    if (!this.session) return Promise.reject(new WorkerRestarted());
    const { api, ended } = this.session;
    return Promise.race([fn(api), ended]);
  }

  terminate(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.end(new WorkerRestarted());
    session.api[releaseProxy]();
    session.worker.terminate();
  }
}

export const modelWorker = new ModelWorkerClient();
