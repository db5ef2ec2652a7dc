import type * as tf from '@tensorflow/tfjs';
import { expose } from 'comlink';
import { selectBackend, type SelectBackendOptions } from '../engine/backend';
import {
  applyFreezeOps,
  buildModel,
  fetchSource,
  hasBundledWeights,
  importTorchvision,
  importedWeightsInfo,
  listBackbones,
  loadPretrained,
  moduleTree,
  PRESET_NAMES,
  RANDOM_INIT,
  summarize,
  type FreezeOp,
  type LoadProgress,
  type ModelConfig,
  type ModuleNode,
  type WeightsInfo,
} from '../engine/models';

/** The model as the UI sees it: its module tree and Keras-summary totals, plain data. */
export interface ModelView {
  name: string;
  tree: ModuleNode;
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Pretrained (and from where) or random init: the tree's badge. */
  weights: WeightsInfo;
}

let model: tf.LayersModel | null = null;
let weights: WeightsInfo = RANDOM_INIT;
/** `public/weights`, as the studio serves it. */
const bundled = fetchSource('/weights/');

function current(): tf.LayersModel {
  if (!model) throw new Error('no model built yet');
  return model;
}

function view(m: tf.LayersModel): ModelView {
  const { total, trainable, nonTrainable } = summarize(m);
  return { name: m.name, tree: moduleTree(m), total, trainable, nonTrainable, weights };
}

const api = {
  /** Picks and starts the tfjs backend; call once, first. */
  init: (options: SelectBackendOptions) => selectBackend(options),
  /** Backbones and presets on offer. */
  catalog: () => ({ backbones: listBackbones(), presets: [...PRESET_NAMES] }),
  /**
   * Builds the model; a backbone with bundled weights loads them (unless `config.weights` is 'random'), with
   * `onProgress` called as bytes arrive. Weights that cannot be loaded leave random init, said in `weights`.
   */
  async buildModel(config: ModelConfig, onProgress?: (p: LoadProgress) => void): Promise<ModelView> {
    model?.dispose();
    model = null;
    const built = buildModel(config);
    weights = RANDOM_INIT;
    if ((config.weights ?? 'pretrained') === 'pretrained' && hasBundledWeights(config.backbone)) {
      try {
        weights = await loadPretrained(built, bundled, { onProgress });
      } catch (e) {
        weights = { ...RANDOM_INIT, problem: (e as Error).message };
      }
    }
    model = built;
    return view(model);
  },
  /** Sets the model's weights from a torchvision-named `.safetensors` state dict (transfer the buffer). */
  importSafetensors(buffer: ArrayBuffer, sourceName: string): ModelView {
    const report = importTorchvision(current(), buffer);
    weights = importedWeightsInfo(report, sourceName);
    return view(current());
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
