/**
 * `fit`: the training loop, fastai's Learner over tfjs (STYLE.md).
 *
 *   const run = fit(model, { archive, decoder, splits }, config, { onEvent, hooks });
 *   run.pause(); run.resume(); run.stop();   // cooperative: they act at the next batch boundary
 *   const result = await run.done;           // { state: 'done' | 'stopped', report, bestEpoch, best, … }
 *
 * - Each epoch trains on the seeded shuffle of `splits.train` (last smaller batch dropped), then validates on
 *   `splits.val`. Report keys: `trn_loss` (and `trn_<output>_loss` with several outputs) per batch, `val_loss` per
 *   val batch at that epoch's positions, `val_<metric>` (the task's metrics) once at pos = epoch.
 * - Best weights: after every epoch whose val primary metric is the best so far, the weights of the trainable
 *   layers are copied; when the run ends — normally or by `stop()` — the model is left holding the best epoch's
 *   weights, not the last ones. A run stopped before its first validation keeps its current weights.
 * - Feature cache: with `config.featureCache` and a frozen prefix (`splitFrozenPrefix`), the prefix runs once per
 *   train/val image before epoch 1 (`progress` events, phase 'cache') and every step trains the suffix from it.
 * - Seeded: the head is re-initialized from `config.seed` (`seedWeights`), Dropout masks are seeded per step and
 *   the shuffle per epoch, so the same config gives the same run on the same backend.
 * - Losses stay on the device and are read back in one `await` every `readEvery` batches; `batchEnd` hooks run
 *   then, in batch order.
 * - Divergence (divergence.ts): a non-finite loss read back, or trainable weights blown up, ends the run as
 *   'failed' with a `TrainingDiverged` message and `done` rejects with it; the model is left holding the best
 *   epoch's weights (with no epoch validated yet, the diverged ones: a failed run is never marked trained).
 * - Checkpoints (checkpoint.ts): with `onCheckpoint`, every finished epoch is read back as plain data (the weights
 *   of the layers that train, the optimizer's state, the best epoch, the Report) and awaited; `resume` with one
 *   goes on from the epoch after it as if never interrupted (same shuffles, Dropout masks and Adam moments).
 * - Device loss: with `deviceLost` (backend/deviceLoss.ts), a run whose GPU device is gone pauses and rejects with
 *   `DeviceLost`, so its caller can restart the backend, rebuild the model and resume from the last checkpoint.
 * - The model is left with its weights trained; everything else the run made (optimizer, cache, copies) is freed.
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices, type Archive, type DatasetItem, type ImageDecoder } from '../data';
import { DeviceLost } from '../backend/deviceLoss';
import { backboneSpec } from '../models';
import { TASKS } from '../tasks';
import type { Evaluation, Task } from '../tasks/types';
import { inOrder, loadImages, prefetch, type ImageOptions } from './batches';
import { bestWeights, type WeightsCopy } from './bestWeights';
import { readCopy, readOptimizer, readWeights, savedCopy, writeOptimizer, writeWeights, type Checkpoint } from './checkpoint';
import { badLoss, badWeights, TrainingDiverged, weightNorm } from './divergence';
import { evaluateBatches, type ScoredItem } from './evaluate';
import { buildFeatureCache, cachedInputs, type FeatureCache, type FeaturePrecision } from './featureCache';
import { memoryFeatureStore, type FeatureStore } from './featureStore';
import { OPTIMIZERS, setLearningRate } from './optimizers';
import { Report } from './report';
import { seedDropout, seedWeights, unseedDropout } from './seedWeights';
import { splitFrozenPrefix, type FrozenSplit } from './splitFrozenPrefix';
import { fitStep } from './step';
import type { SamplePrediction, TrainConfig, TrainEvent, TrainListener, TrainSplits, TrainState } from './types';

/** Where the images come from. */
export interface TrainData {
  archive: Archive;
  decoder: ImageDecoder;
  splits: TrainSplits;
}

/** What a hook sees; read-only but for the two requests. */
export interface TrainContext {
  readonly epoch: number;
  readonly epochs: number;
  /** Batch index within the epoch (batchBegin/batchEnd). */
  readonly batch: number;
  readonly batches: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  readonly lr: number;
  /** The latest values read back (batchEnd: that batch's). */
  readonly logs: Readonly<Record<string, number>>;
  /** epochEnd: this epoch's validation. */
  readonly val?: Evaluation;
  /** Ends the run after the current batch (best weights kept, as `Training.stop`). */
  stop(): void;
  /** Learning rate from the next step on. */
  setLr(lr: number): void;
}

export const HOOK_EVENTS = ['trainBegin', 'epochBegin', 'batchBegin', 'batchEnd', 'epochEnd', 'trainEnd'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
type HookMethods = { [E in HookEvent as `on${Capitalize<E>}`]?: (ctx: TrainContext) => void | Promise<void> };
/** A callback bundle, run in `order` (then list order) and awaited. */
export type Hook = { name: string; order?: number } & HookMethods;

export interface FitOptions {
  /** Every TrainEvent, in order. */
  onEvent?: TrainListener;
  hooks?: Hook[];
  /** Where the feature cache is kept (default: memory). The run clears it at its end. */
  featureStore?: FeatureStore;
  /** Storage of cached features (default float16; see FeaturePrecision). */
  featurePrecision?: FeaturePrecision;
  /** Batches between loss read-backs (default 8). */
  readEvery?: number;
  /** Best and worst val predictions sent per epoch (default 4 each). */
  samples?: number;
  /** Re-initialize the head from `config.seed` first (default true; false continues training a model). */
  seedHead?: boolean;
  /** Called with a checkpoint after every finished epoch, and awaited before the next begins. */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Go on from this checkpoint (taken from a model built with the same config); its Report is continued. */
  resume?: Checkpoint;
  /** Asked when the run fails: why the GPU device was lost, if it was (`watchDevice().lost`); it then rejects with `DeviceLost`. */
  deviceLost?: () => Promise<string | undefined>;
}

export interface TrainResult {
  state: 'done' | 'stopped';
  report: Report;
  /** Epoch whose weights the model holds now; 0 when no epoch was validated. */
  bestEpoch: number;
  best?: Evaluation;
  /** Val evaluation of each finished epoch. */
  history: Evaluation[];
  /** Seconds each finished epoch took (epoch 1 without the cache build). */
  epochSeconds: number[];
  /** The feature cache, when one was built. */
  cache?: { images: number; bytes: number; seconds: number };
}

/** A running fit. */
export interface Training {
  pause(): void;
  resume(): void;
  stop(): void;
  readonly state: TrainState;
  readonly report: Report;
  /** Resolves when the run ends (the model then holds the best epoch's weights); rejects if it failed. */
  readonly done: Promise<TrainResult>;
}

export const FIT_DEFAULTS = { readEvery: 8, samples: 4, featurePrecision: 'float16' as FeaturePrecision };

const now = () => globalThis.performance?.now() ?? Date.now();

/** Reads a scalar back and frees it. */
async function readScalar(t: tf.Scalar): Promise<number> {
  const [value] = (await t.data()) as Float32Array;
  t.dispose();
  return value;
}

function isBetter(task: Task, value: number | undefined, best: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  if (best === undefined) return true;
  return task.primaryMetric.higherIsBetter ? value > best : value < best;
}

/** Starts training `model` in place; see the top of this file. */
export function fit(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: FitOptions = {}): Training {
  const run = new Run(model, data, config, options);
  const done = run.execute();
  return {
    pause: () => run.pause(),
    resume: () => run.resume(),
    stop: () => run.stop(),
    get state() {
      return run.state;
    },
    report: run.report,
    done,
  };
}

class Run {
  state: TrainState = 'idle';
  readonly report: Report;
  private readonly task: Task;
  private readonly opts: Required<Pick<FitOptions, 'hooks' | 'readEvery' | 'samples' | 'featurePrecision' | 'seedHead'>> &
    Omit<FitOptions, 'hooks' | 'readEvery' | 'samples' | 'featurePrecision' | 'seedHead'>;
  private stopRequested = false;
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  private lr: number;
  private optimizer: tf.Optimizer | undefined;
  private epoch = 0;
  private step = 0;
  private logs: Record<string, number> = {};

  constructor(
    private readonly model: tf.LayersModel,
    private readonly data: TrainData,
    private readonly config: TrainConfig,
    options: FitOptions,
  ) {
    this.task = TASKS[config.task];
    const from = options.resume;
    this.report = from ? Report.fromJSON({ ...from.report, nEpochs: config.epochs }) : new Report(config.epochs);
    this.lr = from?.lr ?? config.learningRate;
    this.opts = { ...FIT_DEFAULTS, hooks: [], seedHead: true, ...options };
    this.opts.hooks = [...this.opts.hooks].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }

  pause(): void {
    if (this.state !== 'running' || this.gate) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  resume(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  private emit(event: TrainEvent): void {
    this.opts.onEvent?.(event);
  }

  private setState(state: TrainState, message?: string): void {
    this.state = state;
    this.emit(message === undefined ? { type: 'state', state } : { type: 'state', state, message });
  }

  private async callHooks(event: HookEvent, at: { batch?: number; batches?: number; val?: Evaluation } = {}): Promise<void> {
    const method = `on${event[0].toUpperCase()}${event.slice(1)}` as keyof HookMethods;
    const ctx: TrainContext = {
      epoch: this.epoch,
      epochs: this.config.epochs,
      batch: at.batch ?? 0,
      batches: at.batches ?? 0,
      step: this.step,
      lr: this.lr,
      logs: { ...this.logs },
      val: at.val,
      stop: () => this.stop(),
      setLr: (lr) => {
        this.lr = lr;
        if (this.optimizer) setLearningRate(this.optimizer, lr);
      },
    };
    for (const hook of this.opts.hooks) await hook[method]?.(ctx);
  }

  /** Waits while paused; true when the run should end. */
  private async checkpoint(): Promise<boolean> {
    if (this.gate && !this.stopRequested) {
      this.setState('paused');
      while (this.gate) await this.gate.promise;
      if (!this.stopRequested) this.setState('running');
    }
    return this.stopRequested;
  }

  async execute(): Promise<TrainResult> {
    const { model, config, data, task } = this;
    const { ctx } = config;
    const spec = backboneSpec(config.model.backbone);
    const images: ImageOptions = {
      decoder: data.decoder,
      inputSize: config.model.inputSize ?? spec.inputSize,
      preprocessing: spec.preprocessing,
    };
    let split: FrozenSplit | undefined;
    let cache: FeatureCache | undefined;
    let kept: WeightsCopy | undefined;
    const store = this.opts.featureStore ?? memoryFeatureStore();
    const result: TrainResult = { state: 'done', report: this.report, bestEpoch: 0, history: [], epochSeconds: [] };
    try {
      // Throws before anything starts when the config and the model disagree.
      if (model.inputs[0].shape[1] !== images.inputSize) {
        throw new Error(`the model takes ${model.inputs[0].shape[1]} px inputs but the config says ${images.inputSize}`);
      }
      if (data.splits.train.length === 0) throw new Error('nothing to train on: the train split is empty');
      this.setState('running');
      const from = this.opts.resume;
      // Seeded even when resuming: a random-init trunk must come back the same; the checkpoint then overwrites the head.
      if (this.opts.seedHead) seedWeights(model, config.seed, config.model.weights === 'random' ? 'all' : 'head');
      this.optimizer = OPTIMIZERS[config.optimizer](this.lr);
      let bestValue: number | undefined;
      if (from) {
        writeWeights(model, from.weights);
        await writeOptimizer(this.optimizer, from.optimizer);
        this.step = from.step;
        result.history = [...from.history];
        result.epochSeconds = [...from.epochSeconds];
        if (from.best) {
          bestValue = from.best.value;
          result.bestEpoch = from.best.epoch;
          result.best = from.best.evaluation;
          kept = from.best.weights ? savedCopy(model, from.best.weights) : bestWeights(model);
        }
        this.emit({ type: 'resume', epoch: from.epoch });
      }
      const startNorm = from?.startNorm ?? (await readScalar(weightNorm(model)));
      await this.callHooks('trainBegin');

      const decode = async (items: DatasetItem[]): Promise<tf.Tensor[]> => [await loadImages(data.archive, items, images)];
      let load = decode;
      let stepModel = model;
      split = splitFrozenPrefix(model);
      if (split.prefix && !config.featureCache) {
        const prefix = split.prefix;
        // Uncached, the frozen prefix still runs outside the gradient tape (torch's requires_grad=False): the tape
        // would otherwise keep every trunk activation (VGG16 at 224², batch 32: 400 MB for features.0 alone).
        load = async (items) => {
          const [x] = await decode(items);
          const out = tf.tidy(() => prefix.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]);
          x.dispose();
          return Array.isArray(out) ? out : [out];
        };
        stepModel = split.suffix;
      }
      if (config.featureCache) {
        if (split.prefix) {
          const items = [...data.splits.train, ...data.splits.val];
          const t0 = now();
          cache = await buildFeatureCache(split.prefix, items, (b) => decode(b).then(([x]) => x), {
            store,
            precision: this.opts.featurePrecision,
            batchSize: config.batchSize,
            onProgress: (done, total) => this.emit({ type: 'progress', phase: 'cache', done, total }),
            cancelled: () => this.stopRequested,
          });
          result.cache = { images: items.length, bytes: store.bytes, seconds: (now() - t0) / 1000 };
          const features = cache;
          load = (items) => cachedInputs(features, items);
          stepModel = split.suffix;
        }
      }

      const { train, val } = data.splits;
      const lossSpec = task.losses(ctx);
      const outputNames = task.outputs(ctx);
      const trainKeys = ['trn_loss', ...(outputNames.length > 1 ? outputNames.map((o) => `trn_${o}_loss`) : [])];
      for (this.epoch = (from?.epoch ?? 0) + 1; this.epoch <= config.epochs && !(await this.checkpoint()); this.epoch++) {
        const { epoch } = this;
        const t0 = now();
        await this.callHooks('epochBegin');
        const plan = batchIndices(train.length, epoch, {
          batchSize: config.batchSize,
          seed: config.seed,
          shuffle: true,
          // Fewer images than one batch would otherwise train on nothing.
          dropLast: train.length > config.batchSize,
        });
        const pending: { row: tf.Tensor1D; batch: number }[] = [];
        const flush = async () => {
          if (!pending.length) return;
          const rows = pending.splice(0);
          // The weights' norm rides along as the last value: still one read-back.
          const all = tf.tidy(() => tf.concat([...rows.map((r) => r.row), weightNorm(model).reshape([1])]));
          tf.dispose(rows.map((r) => r.row));
          const values = (await all.data()) as Float32Array;
          all.dispose();
          let pos = epoch - 1;
          for (const [i, { batch }] of rows.entries()) {
            this.logs = Object.fromEntries(trainKeys.map((k, j) => [k, values[i * trainKeys.length + j]]));
            pos = epoch - 1 + (batch + 1) / plan.length;
            const bad = Object.entries(this.logs).map(([k, v]) => badLoss(k, v)).find(Boolean);
            if (bad) throw new TrainingDiverged(pos, bad, this.lr);
            this.emit({ type: 'record', pos, values: this.logs, line: this.report.record(pos, this.logs), ...this.report.times(pos) });
            await this.callHooks('batchEnd', { batch, batches: plan.length });
          }
          const blownUp = badWeights(values[values.length - 1], startNorm);
          if (blownUp) throw new TrainingDiverged(pos, blownUp, this.lr);
          this.emit({ type: 'progress', phase: 'train', done: rows[rows.length - 1].batch + 1, total: plan.length });
        };
        let batch = 0;
        let interrupted = false;
        for await (const { inputs, items } of prefetch(train, plan, load)) {
          if (await this.checkpoint()) {
            tf.dispose(inputs);
            interrupted = true;
            break;
          }
          await this.callHooks('batchBegin', { batch, batches: plan.length });
          seedDropout(model, config.seed, this.step);
          const targets = task.targets(items, ctx);
          pending.push({ row: fitStep(stepModel, this.optimizer, inputs, targets, lossSpec), batch });
          tf.dispose([...inputs, ...targets]);
          this.step++;
          batch++;
          if (pending.length >= this.opts.readEvery) await flush();
        }
        await flush();
        if (interrupted || this.stopRequested) break;

        let evaluation: Evaluation | undefined;
        let isBest = false;
        if (val.length > 0) {
          const valPlan = inOrder(val.length, config.batchSize);
          const { evaluation: e, losses, scored } = await evaluateBatches(stepModel, task, ctx, prefetch(val, valPlan, load), {
            score: true,
            onBatch: (done) => this.emit({ type: 'progress', phase: 'val', done, total: val.length }),
          });
          evaluation = e;
          losses.forEach((loss, b) => {
            const bad = badLoss('val_loss', loss);
            if (bad) throw new TrainingDiverged(epoch - 1 + (b + 1) / losses.length, bad, this.lr);
          });
          losses.forEach((loss, b) => this.recordVal(epoch - 1 + (b + 1) / losses.length, { val_loss: loss }));
          this.recordVal(epoch, Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [`val_${k}`, v])));
          result.history.push(e);
          const value = e.metrics[task.primaryMetric.name];
          isBest = isBetter(task, value, bestValue);
          if (isBest) {
            bestValue = value;
            kept?.dispose();
            kept = bestWeights(model);
            result.bestEpoch = epoch;
            result.best = e;
          }
          this.emitSamples(epoch, scored);
        }
        const seconds = (now() - t0) / 1000;
        result.epochSeconds.push(seconds);
        const averages = this.report.reportAvgs(epoch);
        if (evaluation) this.emit({ type: 'epoch', epoch, averages, val: evaluation, seconds, best: isBest });
        await this.callHooks('epochEnd', { val: evaluation });
        if (this.opts.onCheckpoint) await this.opts.onCheckpoint(await this.checkpointAt(epoch, startNorm, kept, result));
      }
      kept?.restore();
      result.state = this.stopRequested ? 'stopped' : 'done';
      this.epoch = Math.min(this.epoch, config.epochs);
      await this.callHooks('trainEnd');
      this.setState(result.state);
      return result;
    } catch (e) {
      // A lost device fails every read-back; what failed is the device, not the run: it can go on elsewhere.
      const lost = await this.opts.deviceLost?.();
      if (lost) {
        const error = new DeviceLost(lost);
        this.setState('paused', `${error.message}: restarting from the last finished epoch…`);
        throw error;
      }
      // Diverged: back to the best epoch, the last weights known good.
      if (e instanceof TrainingDiverged) kept?.restore();
      this.setState('failed', (e as Error).message);
      throw e;
    } finally {
      kept?.dispose();
      this.optimizer?.dispose();
      split?.release();
      unseedDropout(model);
      await store.clear();
    }
  }

  /** The run as plain data at the end of `epoch` (see checkpoint.ts). */
  private async checkpointAt(epoch: number, startNorm: number, kept: WeightsCopy | undefined, result: TrainResult): Promise<Checkpoint> {
    const [weights, optimizer, bestCopy] = await Promise.all([
      readWeights(this.model),
      readOptimizer(this.optimizer!),
      // The best epoch's weights are the model's own when it is this epoch.
      kept && result.bestEpoch !== epoch ? readCopy(kept) : undefined,
    ]);
    const best = result.best && { epoch: result.bestEpoch, value: result.best.metrics[this.task.primaryMetric.name], evaluation: result.best };
    return {
      version: 1,
      epoch,
      step: this.step,
      lr: this.lr,
      startNorm,
      weights,
      optimizer,
      ...(best ? { best: bestCopy ? { ...best, weights: bestCopy } : best } : {}),
      report: this.report.toJSON(),
      history: [...result.history],
      epochSeconds: [...result.epochSeconds],
    };
  }

  private recordVal(pos: number, values: Record<string, number>): void {
    this.emit({ type: 'record', pos, values, line: this.report.record(pos, values), ...this.report.times(pos) });
  }

  private emitSamples(epoch: number, scored: ScoredItem[]): void {
    const k = Math.min(this.opts.samples, Math.floor(scored.length / 2));
    if (k === 0) return;
    const sorted = [...scored].sort((a, b) => a.error - b.error);
    const sample = ({ item, outputs, error }: ScoredItem): SamplePrediction => ({
      path: item.path,
      prediction: this.task.decode(outputs, { width: item.width, height: item.height }, this.config.ctx),
      error,
    });
    this.emit({ type: 'samples', epoch, best: sorted.slice(0, k).map(sample), worst: sorted.slice(-k).reverse().map(sample) });
  }
}
