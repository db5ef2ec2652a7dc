/**
 * fastai's `fine_tune(epochs, base_lr, freeze_epochs)`: phase 1 trains the head on the frozen trunk (feature
 * cache) for `freezeEpochs`, phase 2 unfreezes the trunk (all of it, or from `unfreezeFrom` on) and trains it with
 * discriminative rates: learning-rate groups from the first unfrozen one (lr / `lrRatio`) to the head (lr), spread
 * geometrically. `TrainConfig.epochs` counts both phases.
 *
 * Groups are a rule, not a list per backbone: the children of the smallest module that holds every unfrozen trunk
 * layer (`layer1`…`layer4` when all of a ResNet trains, `layer4.0`, `layer4.1` from `layer4`, `features.N` on
 * VGG), then the head (the preset's pooling and head modules) as the last group.
 *
 * BatchNorm in the unfrozen part stays frozen (inference mode, statistics kept: layers/batchNorm.ts), the usual
 * choice for small batches; `trainBn` makes every trunk BatchNorm train in phase 2 (fastai's `train_bn`).
 * Phase 2's inputs: `splitFrozenPrefix` cuts again, so the layers still frozen before `unfreezeFrom` are cached
 * anew (one pass of that prefix at the boundary) and the unfrozen part runs every step.
 */
import type * as tf from '@tensorflow/tfjs';
import { ancestorPaths, isWithin, modulePath } from '../models';
import { headLayers } from './seedWeights';
import type { LrGroup } from './groupOptimizer';
import { FINE_TUNE_DEFAULTS, type FineTuneOptions } from './fineTuneOptions';

export { FINE_TUNE_DEFAULTS, phaseOf, type FineTuneOptions } from './fineTuneOptions';

const isBatchNorm = (layer: tf.layers.Layer) => layer.getClassName() === 'BatchNormalization';

/**
 * Phase 2's freezing: every layer from the first one inside `unfreezeFrom` (or the first layer) on trains, but
 * BatchNorm keeps its phase-1 state unless `trainBn`, which trains every BatchNorm. Throws for a path the model lacks.
 */
export function unfreezeForFineTune(model: tf.LayersModel, options: FineTuneOptions): void {
  const { unfreezeFrom, trainBn } = { ...FINE_TUNE_DEFAULTS, ...options };
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const start = unfreezeFrom === undefined ? 0 : layers.findIndex((l) => isWithin(modulePath(l.name), unfreezeFrom));
  if (start === -1) throw new Error(`--unfreeze-from: no module '${unfreezeFrom}' in ${model.name}`);
  layers.forEach((layer, i) => {
    if (isBatchNorm(layer)) layer.trainable ||= trainBn;
    else if (i >= start) layer.trainable = true;
  });
}

/** The learning-rate groups of the model's trainable layers (see the top of this file), first to head. */
export function lrGroups(model: tf.LayersModel, lrRatio = FINE_TUNE_DEFAULTS.lrRatio): LrGroup[] {
  const head = new Set(headLayers(model));
  const training = model.layers.filter((l) => l.trainableWeights.length > 0);
  const trunkPaths = training.filter((l) => !head.has(l)).map((l) => modulePath(l.name));
  // The smallest module holding every unfrozen trunk layer: the longest common ancestor path.
  const chains = trunkPaths.map(ancestorPaths);
  let depth = 0;
  while (chains.length && chains.every((c) => c.length > depth + 1 && c[depth] === chains[0][depth])) depth++;
  const keys: string[] = [];
  const vars = new Map<string, string[]>();
  for (const layer of training) {
    const key = head.has(layer) ? 'head' : ancestorPaths(modulePath(layer.name))[depth];
    if (!vars.has(key)) (keys.push(key), vars.set(key, []));
    vars.get(key)!.push(...layer.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  }
  // The head last, whatever the layer order.
  const ordered = [...keys.filter((k) => k !== 'head'), ...keys.filter((k) => k === 'head')];
  const n = ordered.length;
  return ordered.map((name, i) => ({ name, multiplier: n === 1 ? 1 : lrRatio ** (-(n - 1 - i) / (n - 1)), variables: vars.get(name)! }));
}
