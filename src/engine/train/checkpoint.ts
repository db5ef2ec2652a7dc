/**
 * Checkpoints: what a run needs to go on after its last finished epoch, in plain data (typed arrays, no
 * tensors), so it survives a lost GPU device, a worker restart or a page reload (IndexedDB).
 *
 * Only the layers that train are kept: frozen layers hold the pretrained weights, which the model is rebuilt
 * with anyway. Weights are keyed `<layer name>/<index>`, not by tfjs variable names, which take a suffix each
 * time a model is built again in the same process.
 */
import * as tf from '@tensorflow/tfjs';
import type { Evaluation } from '../tasks/types';
import { bestWeights, trainingLayers, type WeightsCopy } from './bestWeights';
import type { ReportData } from './report';

export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export interface Checkpoint {
  version: 1;
  /** The last finished epoch: a resumed run starts at `epoch + 1`. */
  epoch: number;
  /** Optimizer steps taken (Dropout masks are seeded per step). */
  step: number;
  lr: number;
  /** The weights-norm the divergence check compares against (the run's first). */
  startNorm: number;
  /** Every weight of the layers that train, as they were at the end of `epoch`. */
  weights: SavedTensor[];
  /** `optimizer.getWeights()`: Adam's step count and moments, so the resumed run steps as the first would have. */
  optimizer: SavedTensor[];
  /** The best epoch so far; its weights only when it is not `epoch` itself. */
  best?: { epoch: number; value: number; evaluation: Evaluation; weights?: SavedTensor[] };
  report: ReportData;
  history: Evaluation[];
  epochSeconds: number[];
}

/** Bytes a checkpoint holds in typed arrays (what IndexedDB is asked to store). */
export function checkpointBytes(cp: Checkpoint): number {
  const sum = (ts: SavedTensor[] = []) => ts.reduce((n, t) => n + t.data.byteLength, 0);
  return sum(cp.weights) + sum(cp.optimizer) + sum(cp.best?.weights);
}

async function save(name: string, t: tf.Tensor): Promise<SavedTensor> {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const data = (await t.data()) as Float32Array | Int32Array;
  return { name, shape: [...t.shape], dtype, data: data.slice() };
}

/** Reads the weights of the layers that train. */
export function readWeights(model: tf.LayersModel): Promise<SavedTensor[]> {
  return Promise.all(trainingLayers(model).flatMap((layer) => layer.weights.map((w, i) => save(`${layer.name}/${i}`, w.read()))));
}

/** Reads a best-weights copy the same way (`bestWeights` keeps tensors). */
export function readCopy(copy: WeightsCopy): Promise<SavedTensor[]> {
  return Promise.all(copy.entries().flatMap(({ layer, values }) => values.map((v, i) => save(`${layer}/${i}`, v))));
}

const toTensor = (t: SavedTensor) => tf.tensor(t.data, t.shape, t.dtype);

/** Saved weights as tensors for each layer that trains; throws naming the first that does not fit the model. */
function savedValues(saved: SavedTensor[]): (layer: tf.layers.Layer) => tf.Tensor[] {
  const byName = new Map(saved.map((t) => [t.name, t]));
  return (layer) =>
    layer.weights.map((w, i) => {
      const t = byName.get(`${layer.name}/${i}`);
      if (!t) throw new Error(`the checkpoint has no weights for ${layer.name} (${w.name}): was the model frozen differently?`);
      if (t.shape.join('×') !== w.shape.join('×')) {
        throw new Error(`the checkpoint's ${layer.name}/${i} is ${t.shape.join('×')} but the model's is ${w.shape.join('×')}`);
      }
      return toTensor(t);
    });
}

/** Puts saved weights back into a model built the same way. */
export function writeWeights(model: tf.LayersModel, saved: SavedTensor[]): void {
  const copy = savedCopy(model, saved);
  copy.restore();
  copy.dispose();
}

/** A best-weights copy made from saved weights (a checkpoint's best epoch). */
export function savedCopy(model: tf.LayersModel, saved: SavedTensor[]): WeightsCopy {
  return bestWeights(model, savedValues(saved));
}

export async function readOptimizer(optimizer: tf.Optimizer): Promise<SavedTensor[]> {
  const named = await optimizer.getWeights();
  const saved = await Promise.all(named.map(({ name, tensor }) => save(name, tensor)));
  // The step count comes as a new scalar (`<group>:iter` from a GroupOptimizer); the moments are the optimizer's own variables.
  tf.dispose(named.filter((n) => /(^|:)iter$/.test(n.name)).map((n) => n.tensor));
  return saved;
}

/** Gives a fresh optimizer of the same kind the saved state (it takes its own copies). */
export async function writeOptimizer(optimizer: tf.Optimizer, saved: SavedTensor[]): Promise<void> {
  const named = saved.map((t) => ({ name: t.name, tensor: toTensor(t) }));
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}
