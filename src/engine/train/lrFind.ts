/**
 * `lrFind`: fastai's learning-rate finder. An exponential sweep of the rate from `start` to `end` over `steps`
 * optimizer steps on the seeded shuffle of the train split (as many epochs as it takes), recording the loss
 * smoothed by a debiased exponential moving average (β 0.98); it stops early once the smoothed loss passes
 * `stopFactor` × the best (or is not finite). The model is left with the weights it came with (every weight,
 * BatchNorm statistics included) and no tensor is left behind.
 *
 * Inputs are `fit`'s (inputPipeline.ts): with `config.featureCache` and a frozen prefix, the prefix runs once over
 * the images the sweep uses and every step trains the rest. The head is seeded from `config.seed` first, as `fit`
 * will, so the curve is the one the run starts on.
 *
 * Suggestions, on the smoothed curve without its last 5 points (fastai's `skip_end`): `steep`, the rate where the
 * loss falls fastest against log(lr); `valley` (fastai's default, the `suggestion`): in the longest decreasing
 * run of the loss, the point half-way through its middle third.
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices, type DatasetItem } from '../data';
import { backboneSpec } from '../models';
import { TASKS } from '../tasks';
import type { FeaturePrecision } from './featureCache';
import { memoryFeatureStore, type FeatureStore } from './featureStore';
import type { TrainData } from './fit';
import { inputPipeline, type InputPipeline } from './inputPipeline';
import { OPTIMIZERS, setLearningRate } from './optimizers';
import { seedDropout, seedWeights, unseedDropout } from './seedWeights';
import { fitStep } from './step';
import type { TrunkRunnerFactory } from './trunkRunner';
import type { TrainConfig } from './types';

export interface LrFindOptions {
  /** First rate of the sweep (fastai's 1e-7). */
  start: number;
  /** Last rate (fastai's 10). */
  end: number;
  /** Steps of the sweep (fastai's 100). */
  steps: number;
  /** Stop once the smoothed loss exceeds this × the best one (fastai's 4). */
  stopFactor: number;
  /** The moving average's β (fastai's 0.98). */
  beta: number;
  featureStore?: FeatureStore;
  featurePrecision?: FeaturePrecision;
  /** Runs the frozen prefix that fills the feature cache on another engine (ONNX Runtime); absent: tfjs. */
  trunkRunner?: TrunkRunnerFactory;
  /** After each step, with the points so far. */
  onPoint?: (point: LrPoint, index: number) => void;
  /** While the feature cache is built for the sweep's images, before its first step. */
  onCacheProgress?: (done: number, total: number) => void;
  /** Checked before each step: true ends the sweep where it is. */
  cancelled?: () => boolean;
}

export const LR_FIND_DEFAULTS = { start: 1e-7, end: 10, steps: 100, stopFactor: 4, beta: 0.98 };

export interface LrPoint {
  lr: number;
  /** The smoothed (debiased moving average) loss: what the curve and the suggestions use. */
  loss: number;
  /** That step's own loss. */
  raw: number;
}

export interface LrFindResult {
  points: LrPoint[];
  /** Why the sweep ended: all its steps, the loss blowing up, or a cancel. */
  ended: 'done' | 'diverged' | 'cancelled';
  /** Who ran the frozen trunk for the feature cache (`TrunkRunner.label`), when one was built. */
  trunk?: string;
  /** fastai's `valley`: the suggestion to take (NaN, as `steep` and `valley`, for a sweep cancelled before 2 points). */
  suggestion: number;
  steep: number;
  valley: number;
}

/** The rate where the smoothed loss falls fastest against log(lr). */
export function steepest(points: LrPoint[]): number {
  let best = 0;
  let slope = Infinity;
  for (let i = 1; i < points.length; i++) {
    const s = (points[i].loss - points[i - 1].loss) / (Math.log(points[i].lr) - Math.log(points[i - 1].lr));
    if (s < slope) (slope = s), (best = i);
  }
  return points[best].lr;
}

/** fastai's `valley`: the longest decreasing subsequence of the loss, the point 1/2 past its first third. */
export function valley(points: LrPoint[]): number {
  const n = points.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (points[i].loss < points[j].loss && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = Math.min(n - 1, Math.max(0, maxStart + Math.floor(sections) + Math.floor(sections / 2)));
  return points[idx].lr;
}

/** Sweeps the learning rate on `model` (built from `config.model`, weights loaded, frozen as it will train); see above. */
export async function lrFind(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: Partial<LrFindOptions> = {}): Promise<LrFindResult> {
  const opts = { ...LR_FIND_DEFAULTS, ...options };
  const { train } = data.splits;
  if (train.length === 0) throw new Error('nothing to sweep on: the train split is empty');
  const spec = backboneSpec(config.model.backbone);
  const inputSize = config.model.inputSize ?? spec.inputSize;
  if (model.inputs[0].shape[1] !== inputSize) {
    throw new Error(`the model takes ${model.inputs[0].shape[1]} px inputs but the config says ${inputSize}`);
  }
  const task = TASKS[config.task];
  const lossSpec = task.losses(config.ctx);
  // The batches of the sweep, epoch after epoch of fit's shuffles, until there are `steps`.
  const plan: DatasetItem[][] = [];
  for (let epoch = 1; plan.length < opts.steps; epoch++) {
    const batches = batchIndices(train.length, epoch, { batchSize: config.batchSize, seed: config.seed, shuffle: true, dropLast: train.length > config.batchSize });
    for (const b of batches) if (plan.length < opts.steps) plan.push(b.map((i) => train[i]));
  }
  const used = [...new Set(plan.flat())];

  const saved = model.weights.map((w) => tf.clone(w.read()));
  const store = opts.featureStore ?? memoryFeatureStore();
  const optimizer = OPTIMIZERS[config.optimizer](opts.start);
  let pipeline: InputPipeline | undefined;
  const points: LrPoint[] = [];
  let ended: LrFindResult['ended'] = 'done';
  let trunk: string | undefined;
  try {
    seedWeights(model, config.seed, config.model.weights === 'random' ? 'all' : 'head');
    pipeline = await inputPipeline(model, {
      archive: data.archive,
      decoder: data.decoder,
      images: { inputSize, preprocessing: spec.preprocessing },
      cache: config.featureCache,
      items: used,
      store,
      precision: opts.featurePrecision ?? 'float16',
      batchSize: config.batchSize,
      cancelled: opts.cancelled,
      onCacheProgress: opts.onCacheProgress,
      trunkRunner: opts.trunkRunner,
    });
    trunk = pipeline.cached?.trunk;
    let avg = 0;
    let best = Infinity;
    for (const [i, items] of plan.entries()) {
      if (opts.cancelled?.()) {
        ended = 'cancelled';
        break;
      }
      const lr = opts.start * (opts.end / opts.start) ** (opts.steps > 1 ? i / (opts.steps - 1) : 0);
      setLearningRate(optimizer, lr);
      const inputs = await pipeline.load(items);
      const targets = task.targets(items, config.ctx);
      seedDropout(model, config.seed, i);
      const row = fitStep(pipeline.stepModel, optimizer, inputs, targets, lossSpec);
      tf.dispose([...inputs, ...targets]);
      const raw = (await row.data())[0];
      row.dispose();
      avg = opts.beta * avg + (1 - opts.beta) * raw;
      const loss = avg / (1 - opts.beta ** (i + 1));
      const point = { lr, loss, raw };
      points.push(point);
      opts.onPoint?.(point, i);
      best = Math.min(best, loss);
      if (!Number.isFinite(loss) || loss > opts.stopFactor * best) {
        ended = 'diverged';
        break;
      }
    }
  } finally {
    model.weights.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
    optimizer.dispose();
    pipeline?.release();
    unseedDropout(model);
    await store.clear();
  }
  const finite = points.filter((p) => Number.isFinite(p.loss));
  // fastai's skip_end: the last points are where the loss blows up.
  const curve = finite.length > 10 ? finite.slice(0, -5) : finite;
  // Cancelled before there was a curve: nothing to suggest, and nothing went wrong.
  if (curve.length < 2 && ended === 'cancelled') return { points, ended, suggestion: NaN, steep: NaN, valley: NaN, trunk };
  if (curve.length < 2) throw new Error(`the loss was not finite from the first steps (lr ${opts.start}): nothing to suggest`);
  const s = steepest(curve);
  const v = valley(curve);
  return { points, ended, suggestion: v, steep: s, valley: v, trunk };
}
