import type * as tf from '@tensorflow/tfjs';
import { isWithin, modulePath } from './modulePath';

/** One click in the tree, replayable: configs keep the list, so a rebuilt model freezes the same way. */
export interface FreezeOp {
  op: 'freeze' | 'unfreeze';
  /** Module path; '' is the whole model. */
  path: string;
}

function setTrainable(model: tf.LayersModel, path: string, trainable: boolean): void {
  const layers = model.layers.filter((l) => path === '' || isWithin(modulePath(l.name), path));
  if (layers.length === 0) throw new Error(`No module '${path}' in ${model.name}`);
  for (const layer of layers) layer.trainable = trainable;
}

/**
 * Freezes a module and everything inside it: its weights leave the optimizer's list and its BatchNorm layers
 * run in inference mode (see layers/batchNorm.ts), as Keras 2 does.
 */
export function freeze(model: tf.LayersModel, path: string): void {
  setTrainable(model, path, false);
}

export function unfreeze(model: tf.LayersModel, path: string): void {
  setTrainable(model, path, true);
}

export function applyFreezeOps(model: tf.LayersModel, ops: readonly FreezeOp[]): void {
  for (const { op, path } of ops) (op === 'freeze' ? freeze : unfreeze)(model, path);
}
