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
 * - The loop is small; what it does besides stepping is in built-in hooks (hooks/), run before the caller's at each
 *   event: `divergenceCheck`, `bestEpoch`, `samples`, `recorder` (Report and events) and `checkpoints` (last).
 * - Best weights (`bestEpoch`): when the run ends — normally or by `stop()` — the model is left holding the best
 *   val epoch's weights, not the last ones. A run stopped before its first validation keeps its current weights.
 * - Inputs (inputPipeline.ts): with `config.featureCache` and a frozen prefix, the prefix runs once per train/val
 *   image before epoch 1 (`progress` events, phase 'cache') and every step trains the suffix from it.
 * - Augmentation (augment.ts): with `config.augment`, each train batch is augmented, seeded by (seed, step), and
 *   its keypoint targets moved with it; there is then no feature cache (the prefix runs per batch). Val never is.
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
 * - Schedules (schedules.ts, hooks/lrSchedule.ts): `config.schedule` sets each step's rate; every batch's is a
 *   Report record, `lr`.
 * - fine_tune (fineTune.ts): with `config.fineTune`, the epochs after `freezeEpochs` run unfrozen with one optimizer
 *   per learning-rate group; at the boundary the inputs are cut again (a smaller cached prefix, or none), the best
 *   copy and the divergence norm take in the new layers, and a `phase` record marks it.
 * - The model is left with its weights trained; everything else the run made (optimizer, cache, copies) is freed.
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices, type Archive, type DatasetItem, type ImageDecoder } from '../data';
import { DeviceLost } from '../backend/deviceLoss';
import { backboneSpec } from '../models';
import { TASKS } from '../tasks';
import type { Evaluation, Task } from '../tasks/types';
import { inOrder, prefetch } from './batches';
import { writeOptimizer, writeWeights, type Checkpoint } from './checkpoint';
import { weightNorm } from './weightNorm';
import { evaluateBatches, type ScoredItem } from './evaluate';
import type { FeaturePrecision } from './featureCache';
import { memoryFeatureStore, type FeatureStore } from './featureStore';
import { bestEpoch, type BestEpoch } from './hooks/bestEpoch';
import { lrGroups, phaseOf, unfreezeForFineTune } from './fineTune';
import { GroupOptimizer } from './groupOptimizer';
import { checkpoints } from './hooks/checkpoints';
import { divergenceCheck, type DivergenceCheck } from './hooks/divergenceCheck';
import { lrSchedule } from './hooks/lrSchedule';
import { recorder } from './hooks/recorder';
import { samples } from './hooks/samples';
import { inputPipeline, type CacheSummary, type InputPipeline } from './inputPipeline';
import { OPTIMIZERS, setLearningRate } from './optimizers';
import { PauseGate } from './pauseGate';
import { Report } from './report';
import { seedDropout, seedWeights, unseedDropout } from './seedWeights';
import { fitStep } from './step';
import type { TrunkRunnerFactory } from './trunkRunner';
import type { TrainConfig, TrainEvent, TrainListener, TrainSplits, TrainState } from './types';

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
  /** The optimizer's rate (the head's, with discriminative rates); batchEnd: the rate that batch stepped at. */
  readonly lr: number;
  /** The latest values read back (batchEnd: that batch's). */
  readonly logs: Readonly<Record<string, number>>;
  /** batchEnd: the batch's Report position (fractional epoch). */
  readonly pos: number;
  /** batchEnd, on the last batch of a read-back: the trainable weights' global L2 norm, read with the losses. */
  readonly weightNorm?: number;
  /** epochEnd: this epoch's validation, its per-batch losses and every val item's outputs and error. */
  readonly val?: Evaluation;
  readonly valLosses?: number[];
  readonly scored?: ScoredItem[];
  /** epochEnd: seconds the epoch took, validation included, and the feature cache's build for the epoch after it. */
  readonly seconds?: number;
  /** trainEnd: how the run ended, and the error that failed it. */
  readonly ended?: 'done' | 'stopped' | 'failed';
  readonly error?: unknown;
  /** Ends the run after the current batch (best weights kept, as `Training.stop`). */
  stop(): void;
  /** Learning rate from the next step on. */
  setLr(lr: number): void;
}

export const HOOK_EVENTS = ['trainBegin', 'epochBegin', 'batchBegin', 'batchEnd', 'epochEnd', 'trainEnd'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
type HookMethods = { [E in HookEvent as `on${Capitalize<E>}`]?: (ctx: TrainContext) => void | Promise<void> };
/**
 * A callback bundle, run in `order` (then list order) and awaited. Built-in hooks run at negative orders (and
 * checkpoints last); `trainEnd` runs however the run ended, but not when its GPU device was lost.
 */
export type Hook = { name: string; order?: number } & HookMethods;

/** What built-in hooks read of the run they serve (fastai's `self.learn`). */
export interface Learner {
  readonly model: tf.LayersModel;
  readonly config: TrainConfig;
  readonly task: Task;
  readonly report: Report;
  /** Filled in as the run goes (history, bestEpoch…), returned by `done`. */
  readonly result: TrainResult;
  /** The optimizer, from `trainBegin` on. */
  readonly optimizer: tf.Optimizer;
  /** The checkpoint the run goes on from. */
  readonly resumeFrom?: Checkpoint;
  emit(event: TrainEvent): void;
}

export interface FitOptions {
  /** Every TrainEvent, in order. */
  onEvent?: TrainListener;
  hooks?: Hook[];
  /** Where the feature cache is kept (default: memory). The run clears it at its end. */
  featureStore?: FeatureStore;
  /** Storage of cached features (default float16; see FeaturePrecision). */
  featurePrecision?: FeaturePrecision;
  /** Runs the frozen prefix that fills the feature cache on another engine (ONNX Runtime); absent: tfjs. */
  trunkRunner?: TrunkRunnerFactory;
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
  /** The feature cache, when one was built (fine_tune's first phase's), and who ran its trunk. */
  cache?: CacheSummary;
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

type Options = Required<Pick<FitOptions, 'hooks' | 'readEvery' | 'samples' | 'featurePrecision' | 'seedHead'>> &
  Omit<FitOptions, 'hooks' | 'readEvery' | 'samples' | 'featurePrecision' | 'seedHead'>;

/** Where a hook is called from: the batch, the batch count and what the event carries. */
type At = Partial<Pick<TrainContext, 'batch' | 'batches' | 'pos' | 'lr' | 'weightNorm' | 'val' | 'valLosses' | 'scored' | 'seconds' | 'ended' | 'error'>>;

class Run implements Learner {
  state: TrainState = 'idle';
  readonly report: Report;
  readonly task: Task;
  readonly result: TrainResult;
  readonly resumeFrom?: Checkpoint;
  private readonly opts: Options;
  private readonly gate = new PauseGate();
  private stopRequested = false;
  private lr: number;
  private optimizerMade: tf.Optimizer | undefined;
  private epoch = 0;
  private step = 0;
  /** The fine-tune phase the model is frozen for (fineTune.ts); 1 without `fineTune`. */
  private phase: 1 | 2 = 1;
  private logs: Record<string, number> = {};
  private hooks: Hook[] = [];

  constructor(
    readonly model: tf.LayersModel,
    private readonly data: TrainData,
    readonly config: TrainConfig,
    options: FitOptions,
  ) {
    this.task = TASKS[config.task];
    this.resumeFrom = options.resume;
    const from = options.resume;
    this.report = from ? Report.fromJSON({ ...from.report, nEpochs: config.epochs }) : new Report(config.epochs);
    this.result = { state: 'done', report: this.report, bestEpoch: 0, history: [], epochSeconds: [] };
    this.lr = from?.lr ?? config.learningRate;
    // An option given as undefined takes its default, as if left out.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as FitOptions;
    this.opts = { ...FIT_DEFAULTS, hooks: [], seedHead: true, ...given };
  }

  get optimizer(): tf.Optimizer {
    if (!this.optimizerMade) throw new Error('the optimizer is made at trainBegin');
    return this.optimizerMade;
  }

  pause(): void {
    if (this.state === 'running') this.gate.pause();
  }

  resume(): void {
    this.gate.open();
  }

  stop(): void {
    this.stopRequested = true;
    this.gate.open();
  }

  emit(event: TrainEvent): void {
    this.opts.onEvent?.(event);
  }

  private setState(state: TrainState, message?: string): void {
    this.state = state;
    this.emit(message === undefined ? { type: 'state', state } : { type: 'state', state, message });
  }

  private async callHooks(event: HookEvent, at: At = {}): Promise<void> {
    const method = `on${event[0].toUpperCase()}${event.slice(1)}` as keyof HookMethods;
    const ctx: TrainContext = {
      epoch: this.epoch,
      epochs: this.config.epochs,
      batch: 0,
      batches: 0,
      pos: this.epoch,
      step: this.step,
      lr: this.lr,
      logs: { ...this.logs },
      ...at,
      stop: () => this.stop(),
      setLr: (lr) => {
        this.lr = lr;
        if (this.optimizerMade) setLearningRate(this.optimizerMade, lr);
      },
    };
    for (const hook of this.hooks) await hook[method]?.(ctx);
  }

  /** Holds the run while it is paused, saying so; a stop opens the gate. */
  private async waitWhilePaused(): Promise<void> {
    if (!this.gate.paused || this.stopRequested) return;
    this.setState('paused');
    await this.gate.whilePaused();
    if (!this.stopRequested) this.setState('running');
  }

  async execute(): Promise<TrainResult> {
    const { model, config, data, result } = this;
    const spec = backboneSpec(config.model.backbone);
    const inputSize = config.model.inputSize ?? spec.inputSize;
    const store = this.opts.featureStore ?? memoryFeatureStore();
    const best = bestEpoch(this);
    const divergence = divergenceCheck(this);
    const builtIn: Hook[] = [divergence, best, samples(this, this.opts.samples, best), recorder(this, best)];
    if ((config.schedule ?? 'constant') !== 'constant') builtIn.push(lrSchedule(config));
    if (this.opts.onCheckpoint) builtIn.push(checkpoints(this, best, divergence, this.opts.onCheckpoint));
    this.hooks = [...builtIn, ...this.opts.hooks].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    let pipeline: InputPipeline | undefined;
    try {
      // Throws before anything starts when the config and the model disagree.
      if (model.inputs[0].shape[1] !== inputSize) {
        throw new Error(`the model takes ${model.inputs[0].shape[1]} px inputs but the config says ${inputSize}`);
      }
      if (data.splits.train.length === 0) throw new Error('nothing to train on: the train split is empty');
      this.setState('running');
      const from = this.resumeFrom;
      // Seeded even when resuming: a random-init trunk must come back the same; the checkpoint then overwrites the head.
      if (this.opts.seedHead) seedWeights(model, config.seed, config.model.weights === 'random' ? 'all' : 'head');
      // Frozen as the last finished epoch was: a checkpoint's weights and optimizer are that phase's.
      if (phaseOf(config, from?.epoch || 1).phase === 2) this.unfreeze();
      this.optimizerMade = this.makeOptimizer();
      if (from) {
        writeWeights(model, from.weights);
        await writeOptimizer(this.optimizerMade, from.optimizer);
        this.step = from.step;
        result.history = [...from.history];
        result.epochSeconds = [...from.epochSeconds];
        this.emit({ type: 'resume', epoch: from.epoch });
      }
      await this.callHooks('trainBegin');

      const inputs = () =>
        inputPipeline(model, {
          archive: data.archive,
          decoder: data.decoder,
          images: { inputSize, preprocessing: spec.preprocessing },
          cache: config.featureCache,
          items: [...data.splits.train, ...data.splits.val],
          store,
          precision: this.opts.featurePrecision,
          batchSize: config.batchSize,
          onCacheProgress: (done, total) => this.emit({ type: 'progress', phase: 'cache', done, total }),
          cancelled: () => this.stopRequested,
          augment: config.augment && { options: config.augment, seed: config.seed },
          trunkRunner: this.opts.trunkRunner,
        });
      pipeline = await inputs();
      if (pipeline.cached) result.cache = pipeline.cached;
      // The epoch after a cache build counts that build in its time; the ETA's rate leaves it out.
      let building = pipeline.cached?.seconds ?? 0;
      this.report.addSetupTime(building * 1000);

      for (this.epoch = (from?.epoch ?? 0) + 1; this.epoch <= config.epochs; this.epoch++) {
        await this.waitWhilePaused();
        if (this.stopRequested) break;
        if (phaseOf(config, this.epoch).phase !== this.phase) {
          pipeline.release();
          pipeline = undefined;
          await store.clear();
          await this.enterFineTunePhase(best, divergence);
          pipeline = await inputs();
          building = pipeline.cached?.seconds ?? 0;
          this.report.addSetupTime(building * 1000);
        }
        const t0 = now();
        await this.callHooks('epochBegin');
        const finished = await this.trainEpoch(pipeline);
        if (!finished || this.stopRequested) break;
        const validated = await this.validate(pipeline);
        const seconds = (now() - t0) / 1000 + building;
        building = 0;
        result.epochSeconds.push(seconds);
        await this.callHooks('epochEnd', { ...validated, seconds });
      }
      result.state = this.stopRequested ? 'stopped' : 'done';
      this.epoch = Math.min(this.epoch, config.epochs);
      await this.callHooks('trainEnd', { ended: result.state });
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
      // Diverged: `bestEpoch` goes back to the best epoch, the last weights known good.
      await this.callHooks('trainEnd', { ended: 'failed', error: e }).catch(() => undefined);
      this.setState('failed', (e as Error).message);
      throw e;
    } finally {
      best.release();
      this.optimizerMade?.dispose();
      pipeline?.release();
      unseedDropout(model);
      await store.clear();
    }
  }

  /** Phase 2's freezing (fineTune.ts). */
  private unfreeze(): void {
    unfreezeForFineTune(this.model, this.config.fineTune!);
    this.phase = 2;
  }

  /** The optimizer for the current phase: one per learning-rate group in fine-tune's phase 2. */
  private makeOptimizer(): tf.Optimizer {
    const make = OPTIMIZERS[this.config.optimizer];
    if (this.phase === 1) return make(this.lr);
    const groups = lrGroups(this.model, this.config.fineTune!.lrRatio);
    return new GroupOptimizer(groups, groups.map((g) => make(this.lr * g.multiplier)), setLearningRate);
  }

  /**
   * fine_tune's boundary, before the first epoch of phase 2: the trunk unfreezes, the best epoch's copy and the
   * divergence check's starting norm take in the layers that now train, fresh optimizers start per group, and the
   * Report gets a `phase` record at the boundary (plus a notice) for the charts.
   */
  private async enterFineTunePhase(best: BestEpoch, divergence: DivergenceCheck): Promise<void> {
    this.unfreeze();
    best.widen();
    await divergence.rebase();
    this.optimizerMade?.dispose();
    this.optimizerMade = this.makeOptimizer();
    const pos = this.epoch - 1;
    this.emit({ type: 'record', pos, values: { phase: 2 }, line: this.report.record(pos, { phase: 2 }), ...this.report.times(pos) });
    const groups = (this.optimizerMade as GroupOptimizer).groups;
    this.emit({
      type: 'notice',
      message: `fine_tune: phase 2 from epoch ${this.epoch}: ${groups.length} learning-rate groups, ${groups[0].name} at lr/${Math.round(1 / groups[0].multiplier)} to ${groups.at(-1)!.name} at lr`,
    });
  }

  /** One epoch's steps on the seeded shuffle of the train split; false when a pause ended in a stop midway. */
  private async trainEpoch(pipeline: InputPipeline): Promise<boolean> {
    const { model, config, epoch, task } = this;
    const { train } = this.data.splits;
    const lossSpec = task.losses(config.ctx);
    const outputNames = task.outputs(config.ctx);
    const trainKeys = ['trn_loss', ...(outputNames.length > 1 ? outputNames.map((o) => `trn_${o}_loss`) : [])];
    const plan = batchIndices(train.length, epoch, {
      batchSize: config.batchSize,
      seed: config.seed,
      shuffle: true,
      // Fewer images than one batch would otherwise train on nothing.
      dropLast: train.length > config.batchSize,
    });
    const pending: { row: tf.Tensor1D; batch: number; lr: number }[] = [];
    // Losses stay on the device until `readEvery` batches are pending: then one read-back for all of them.
    const readBack = async () => {
      if (!pending.length) return;
      const rows = pending.splice(0);
      // The weights' norm rides along as the last value: still one read-back.
      const all = tf.tidy(() => tf.concat([...rows.map((r) => r.row), weightNorm(model).reshape([1])]));
      tf.dispose(rows.map((r) => r.row));
      const values = (await all.data()) as Float32Array;
      all.dispose();
      for (const [i, { batch, lr }] of rows.entries()) {
        this.logs = Object.fromEntries(trainKeys.map((k, j) => [k, values[i * trainKeys.length + j]]));
        await this.callHooks('batchEnd', {
          batch,
          batches: plan.length,
          lr,
          pos: epoch - 1 + (batch + 1) / plan.length,
          weightNorm: i === rows.length - 1 ? values[values.length - 1] : undefined,
        });
      }
      this.emit({ type: 'progress', phase: 'train', done: rows[rows.length - 1].batch + 1, total: plan.length });
    };
    let batch = 0;
    // Augmented batches are seeded by the step they train (prefetch loads them in order).
    let loadStep = this.step;
    const loadTrain = pipeline.loadTrain;
    const load = loadTrain ? (batchItems: DatasetItem[]) => loadTrain(batchItems, loadStep++) : pipeline.load;
    for await (const { inputs, items } of prefetch(train, plan, load)) {
      await this.waitWhilePaused();
      if (this.stopRequested) {
        tf.dispose(inputs);
        await readBack();
        return false;
      }
      await this.callHooks('batchBegin', { batch, batches: plan.length });
      seedDropout(model, config.seed, this.step);
      const targets = task.targets(items, config.ctx);
      pending.push({ row: fitStep(pipeline.stepModel, this.optimizer, inputs, targets, lossSpec), batch, lr: this.lr });
      tf.dispose([...inputs, ...targets]);
      this.step++;
      batch++;
      if (pending.length >= this.opts.readEvery) await readBack();
    }
    await readBack();
    return true;
  }

  /** The val split's evaluation, per-batch losses and scored items (nothing when there is no val split). */
  private async validate(pipeline: InputPipeline): Promise<At> {
    const { val } = this.data.splits;
    if (val.length === 0) return {};
    const batches = prefetch(val, inOrder(val.length, this.config.batchSize), pipeline.load);
    const { evaluation, losses, scored } = await evaluateBatches(pipeline.stepModel, this.task, this.config.ctx, batches, {
      score: true,
      onBatch: (done) => this.emit({ type: 'progress', phase: 'val', done, total: val.length }),
    });
    this.result.history.push(evaluation);
    return { val: evaluation, valLosses: losses, scored };
  }
}
