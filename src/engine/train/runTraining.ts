/**
 * `runTraining`: one training run as the user asks for it, the same in the trainer worker, the CLI and the
 * acceptance tests. Around `fit` it owns what each caller used to do for itself: the splits, the batch size the
 * device can bind, recovery after a lost GPU device, the test split's evaluation, `val_`/`test_` metric names,
 * and the trained model's files.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../backend';
import { splitDataset, type Archive, type DatasetIndex, type DatasetSplits, type ImageDecoder, type Problem } from '../data';
import type { FaceDetector } from '../landmarks';
import { saveModel, type SaveModelInfo, type SavedModelFiles } from '../models';
import { TASKS, type Evaluation } from '../tasks';
import { fitBatchSizeToDevice } from './batchLimit';
import type { Checkpoint } from './checkpoint';
import { evaluate } from './evaluate';
import type { FitOptions, TrainResult } from './fit';
import { prefixMetrics } from './metricKeys';
import { fitRecovering, type RecoveringTraining } from './recoveringFit';
import { cropFaces } from './cropFaces';
import { Report } from './report';
import type { TrainConfig, TrainListener, TrainState } from './types';

/** The dataset a run reads: its archive, what the scan kept, and how its images decode here. */
export interface TrainingDataset {
  archive: Archive;
  index: DatasetIndex;
  decoder: ImageDecoder;
}

export interface RunTrainingOptions extends Pick<FitOptions, 'hooks' | 'featureStore' | 'featurePrecision' | 'readEvery' | 'samples' | 'trunkRunner'> {
  config: TrainConfig;
  dataset: TrainingDataset;
  /** The model `config.model` describes, with its weights loaded and its freezing applied. */
  model: tf.LayersModel;
  /** Builds that model again (weights, freezing) after a lost GPU device, whose tensors are gone. */
  rebuild(): Promise<tf.LayersModel>;
  /** Starts the backend again after a lost GPU device (`restartBackend`). */
  restartBackend(): Promise<BackendChoice>;
  onEvent?: TrainListener;
  /** Every finished epoch's checkpoint, awaited before the next epoch begins. */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Goes on from this checkpoint of the same config. */
  resume?: Checkpoint;
  /** Scores the test split, when the dataset has one, after training (default true). */
  test?: boolean;
  /**
   * Receives the trained model's files (model.json, weights.bin, studio.json) when the run ends done or stopped,
   * before the test split is scored; again after it, with the test metrics in studio.json.
   */
  save?: (files: SavedModelFiles) => void | Promise<void>;
  /** Finds the faces a `config.model.faceCrop` run is cut around (`createFaceDetector`); required for one. */
  faceDetector?: FaceDetector;
}

export interface TrainingOutcome {
  state: TrainResult['state'];
  /** The model that holds the trained weights: `options.model`, or its rebuild after a lost device. */
  model: tf.LayersModel;
  /** The config as run (its batch size lowered to what the device binds). */
  config: TrainConfig;
  /** The splits as trained and tested: with a face crop, each item moved into it (`item.crop`). */
  splits: DatasetSplits;
  /** With a face crop: the images where no face was found (kept, cropped to the whole image), and the pass's seconds. */
  faceCrop?: { problems: Problem[]; seconds: number };
  fit: TrainResult;
  test?: Evaluation;
  /** `val_<metric>` of the kept epoch and `test_<metric>`: the keys saved models, the CLI and the charts use. */
  metrics: Record<string, number>;
  /** What `studio.json` says of the model. */
  info: SaveModelInfo;
}

export interface RunningTraining extends Pick<RecoveringTraining, 'pause' | 'resume' | 'stop' | 'state' | 'report'> {
  readonly done: Promise<TrainingOutcome>;
}

/**
 * The splits a run trains, validates and tests on. The split seed is the dataset's, not the run's: `evaluate
 * --split val` and a run with another `seed` then see the same val images.
 */
export function trainingSplits(index: DatasetIndex): DatasetSplits {
  return splitDataset(index);
}

/**
 * The splits moved into their face crops (`config.model.faceCrop`): every image of train, val and test through the
 * detector once, before the feature cache, as `progress` phase 'faces'.
 */
async function cropSplits(options: RunTrainingOptions, splits: DatasetSplits, cancelled: () => boolean) {
  const spec = options.config.model.faceCrop!;
  if (!options.faceDetector) throw new Error('this run trains on face crops (faceCrop) but was given no face detector');
  const t0 = globalThis.performance?.now() ?? Date.now();
  const all = [...splits.train, ...splits.val, ...splits.test];
  const { archive, decoder } = options.dataset;
  const onProgress = (done: number, total: number) => options.onEvent?.({ type: 'progress', phase: 'faces', done, total });
  const { items, problems } = await cropFaces(all, { archive, decoder, detector: options.faceDetector, spec, onProgress, cancelled });
  const cut = (from: number, n: number) => items.slice(from, from + n);
  const cropped = { ...splits, train: cut(0, splits.train.length), val: cut(splits.train.length, splits.val.length), test: cut(splits.train.length + splits.val.length, splits.test.length) };
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).map((p) => p.file).join(', ');
    options.onEvent?.({ type: 'notice', message: `No face found in ${problems.length} of ${all.length} images (${shown}${problems.length > 3 ? ', …' : ''}): each is cropped to its whole image.` });
  }
  return { splits: cropped, faceCrop: { problems, seconds: ((globalThis.performance?.now() ?? Date.now()) - t0) / 1000 } };
}

/** Starts the run; see the top of this file. Events go to `onEvent`, the test split's as `progress` phase 'test'. */
export function runTraining(options: RunTrainingOptions): RunningTraining {
  const { dataset, onEvent } = options;
  const task = TASKS[options.config.task];
  const fitted = fitBatchSizeToDevice(options.model, options.config.batchSize);
  if (fitted.notice) onEvent?.({ type: 'notice', message: fitted.notice });
  const config: TrainConfig = { ...options.config, batchSize: fitted.batchSize };
  const { hooks, featureStore, featurePrecision, readEvery, samples, onCheckpoint, resume, trunkRunner } = options;
  // Before fit starts (the face pass), pause and stop are remembered and handed on.
  let training: RecoveringTraining | undefined;
  let paused = false;
  let stopped = false;
  const waiting = new Report(config.epochs);

  const done = (async (): Promise<TrainingOutcome> => {
    const whole = trainingSplits(dataset.index);
    const crop = config.model.faceCrop ? await cropSplits(options, whole, () => stopped) : undefined;
    const splits = crop?.splits ?? whole;
    training = fitRecovering(
      options.model,
      { archive: dataset.archive, decoder: dataset.decoder, splits: { train: splits.train, val: splits.val } },
      config,
      { onEvent, hooks, featureStore, featurePrecision, readEvery, samples, onCheckpoint, resume, trunkRunner },
      { restart: options.restartBackend, rebuild: options.rebuild },
    );
    if (paused) training.pause();
    if (stopped) training.stop();
    const fit = await training.done;
    const model = training.model;
    const infoWith = (metrics: Record<string, number>): SaveModelInfo => ({ model: config.model, task: config.task, ctx: config.ctx, metrics });
    let metrics = prefixMetrics('val', fit.best?.metrics);
    // Saved before the test split is read: nothing that goes wrong there can cost the trained model.
    if (options.save) await options.save(await saveModel(model, infoWith(metrics)));
    let test: Evaluation | undefined;
    if ((options.test ?? true) && splits.test.length > 0) {
      try {
        test = await evaluate(model, task, config.ctx, dataset.archive, splits.test, {
          decoder: dataset.decoder,
          batchSize: config.batchSize,
          onProgress: (done, total) => onEvent?.({ type: 'progress', phase: 'test', done, total }),
        });
      } catch (e) {
        onEvent?.({ type: 'notice', message: `The test split could not be scored (${(e as Error).message}); the trained model is kept.` });
      }
    }
    if (test) {
      onEvent?.({ type: 'test', evaluation: test });
      metrics = { ...metrics, ...prefixMetrics('test', test.metrics) };
      if (options.save) await options.save(await saveModel(model, infoWith(metrics)));
    }
    return { state: fit.state, model, config, splits, ...(crop && { faceCrop: crop.faceCrop }), fit, test, metrics, info: infoWith(metrics) };
  })();

  return {
    pause: () => ((paused = true), training?.pause()),
    resume: () => ((paused = false), training?.resume()),
    stop: () => ((stopped = true), training?.stop()),
    get state(): TrainState {
      return training?.state ?? (stopped ? 'stopped' : 'running');
    },
    get report() {
      return training?.report ?? waiting;
    },
    done,
  };
}
