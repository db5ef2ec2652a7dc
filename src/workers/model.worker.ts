import type * as tf from '@tensorflow/tfjs';
import { expose } from 'comlink';
import { selectBackend, type SelectBackendOptions } from '../engine/backend';
import {
  applyFreezeOps,
  buildModel,
  listBackbones,
  moduleTree,
  PRESET_NAMES,
  summarize,
  type FreezeOp,
  type ModelConfig,
  type ModuleNode,
} from '../engine/models';

/** The model as the UI sees it: its module tree and Keras-summary totals, plain data. */
export interface ModelView {
  name: string;
  tree: ModuleNode;
  total: number;
  trainable: number;
  nonTrainable: number;
}

let model: tf.LayersModel | null = null;

function current(): tf.LayersModel {
  if (!model) throw new Error('no model built yet');
  return model;
}

function view(m: tf.LayersModel): ModelView {
  const { total, trainable, nonTrainable } = summarize(m);
  return { name: m.name, tree: moduleTree(m), total, trainable, nonTrainable };
}

const api = {
  /** Picks and starts the tfjs backend; call once, first. */
  init: (options: SelectBackendOptions) => selectBackend(options),
  /** Backbones and presets on offer. */
  catalog: () => ({ backbones: listBackbones(), presets: [...PRESET_NAMES] }),
  buildModel(config: ModelConfig): ModelView {
    model?.dispose();
    model = null;
    model = buildModel(config);
    return view(model);
  },
  freeze: (path: string) => api.applyFreezeOps([{ op: 'freeze', path }]),
  unfreeze: (path: string) => api.applyFreezeOps([{ op: 'unfreeze', path }]),
  applyFreezeOps(ops: FreezeOp[]): ModelView {
    applyFreezeOps(current(), ops);
    return view(current());
  },
};

export type ModelWorkerApi = typeof api;

expose(api);
