import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { LayoutName, ScanProgress, DatasetReport } from '../engine/data';
import type { AddedImage, DatasetSource, TrainerWorkerApi } from '../workers/trainer.worker';

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

/** The dataset the worker holds: the page keeps only the source (a File or Blob reference, not its bytes). */
interface OpenDataset {
  source: DatasetSource;
  layout: LayoutName | undefined;
  onProgress: (p: ScanProgress) => void;
  /** The report of the worker reading it now (a restarted worker reads it again). */
  report: Promise<DatasetReport>;
}

/**
 * The one owner of the trainer worker (which holds the dataset and the model): starts it, restarts it (a new
 * backend means a fresh worker, which reads the open dataset again), queues calls so each runs after the
 * previous one finished, and ends it.
 */
export class TrainerWorkerClient {
  private session: Session | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private dataset: OpenDataset | null = null;

  /** Ends any running worker and starts a fresh one; the dataset open in the old one is read again. */
  restart(): void {
    this.terminate();
    const worker = new Worker(new URL('../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    let end: (reason: Error) => void = () => {};
    const ended = new Promise<never>((_, reject) => (end = reject));
    ended.catch(() => {});
    worker.addEventListener('error', (e) => end(new Error(`trainer worker failed: ${e.message || 'could not load'}`)));
    this.session = { worker, api: wrap<TrainerWorkerApi>(worker), ended, end };
    this.queue = Promise.resolve();
    if (this.dataset) this.dataset = this.read(this.dataset);
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
   * its `train` call is still running, and for what the page reads of the dataset meanwhile.
   */
  now<T>(fn: (api: Remote<TrainerWorkerApi>) => Promise<T>): Promise<T> {
    if (!this.session) return Promise.reject(new WorkerRestarted());
    const { api, ended } = this.session;
    return Promise.race([fn(api), ended]);
  }

  /**
   * Reads `source` into the worker (beside queued calls: a run goes on with the dataset it started with) and
   * resolves with its report; the items stay in the worker. Should the worker be restarted meanwhile, the
   * report is the new worker's.
   */
  async openDataset(source: DatasetSource, layout: LayoutName | undefined, onProgress: (p: ScanProgress) => void): Promise<DatasetReport> {
    if (!this.session) this.restart();
    let reading = (this.dataset = this.read({ source, layout, onProgress }));
    for (;;) {
      try {
        return await reading.report;
      } catch (e) {
        // A restart read it again (or a newer dataset took its place): that reading answers instead.
        if (!(e instanceof WorkerRestarted) || !this.dataset || this.dataset === reading) throw e;
        reading = this.dataset;
      }
    }
  }

  /**
   * Adds encoded images (camera captures) to class `className` of the open dataset as training images;
   * resolves with the new report and where they went. A restarted worker reads them again with the dataset.
   */
  async addImages(className: string, images: Blob[]): Promise<{ report: DatasetReport; added: AddedImage[] }> {
    const open = this.dataset;
    if (!open) throw new Error('no dataset open');
    const result = await this.now((api) => api.addImages(className, images));
    if (this.dataset === open) open.source = { ...open.source, added: [...(open.source.added ?? []), ...result.added] };
    return result;
  }

  /** Takes images added with `addImages` out of the open dataset again. */
  async removeImages(paths: string[]): Promise<DatasetReport> {
    const open = this.dataset;
    if (!open) throw new Error('no dataset open');
    const report = await this.now((api) => api.removeImages(paths));
    if (this.dataset === open) open.source = { ...open.source, added: (open.source.added ?? []).filter((a) => !paths.includes(a.path)) };
    return report;
  }

  /** The open dataset as given, with the images added to it since. */
  openSource(): DatasetSource | null {
    return this.dataset?.source ?? null;
  }

  /** Forgets the open dataset: a restarted worker starts without one. */
  closeDataset(): void {
    this.dataset = null;
  }

  private read(d: Omit<OpenDataset, 'report'>): OpenDataset {
    const report = this.now((api) => api.openDataset(d.source, d.layout, proxy(d.onProgress)));
    report.catch(() => {});
    return { source: d.source, layout: d.layout, onProgress: d.onProgress, report };
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

export const trainerWorker = new TrainerWorkerClient();
