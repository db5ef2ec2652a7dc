import * as tf from '@tensorflow/tfjs';
import type { BackboneName, BackboneSpec } from './types';
import { backboneSpec } from './backbones';
import { PRESET_HEADS, checkHeadOptions, headContainerType, type PresetName } from './presets';
import { applyFreezeOps, type FreezeOp } from './freeze';
import { moduleTree as treeOf, walkTree, type ModuleNode } from './moduleTree';
import { builtConfig, rememberConfig } from './modelConfigOf';
import type { FaceCropSpec } from '../data/faceCrop';

/** Everything needed to rebuild a model: JSON, shared by the UI, the worker, the CLI and saved projects. */
export interface ModelConfig {
  backbone: BackboneName;
  preset: PresetName;
  /** `multiclass` only (required there): classes of the dataset, units of the last layer. */
  numClasses?: number;
  /** Square input size in pixels; the backbone's own by default. */
  inputSize?: number;
  /** Clicks in the tree, applied after the preset's default freezing. */
  freezeOps?: FreezeOp[];
  /**
   * 'pretrained' (default): the backbone's bundled weights where it has them (`loadPretrained`, done by the
   * worker and the CLI after `buildModel`, which always makes fresh weights); 'random': random init.
   */
  weights?: 'pretrained' | 'random';
  /**
   * Face tasks: the model takes the square around a face detector's box (data/faceCrop.ts), not the whole image.
   * Training, evaluation and predict cut it with BlazeFace; an exported model expects the crop as its input.
   */
  faceCrop?: FaceCropSpec;
}

/** The freezing a preset starts from: the book freezes the whole pretrained trunk; the original head trains all. */
export function defaultFreezeOps(spec: BackboneSpec, preset: PresetName): FreezeOp[] {
  return preset === 'original' ? [] : spec.trunkModules.map((path) => ({ op: 'freeze' as const, path }));
}

export function modelName(config: ModelConfig): string {
  return `${config.backbone}+${config.preset}`;
}

/** Builds backbone trunk + preset head with fresh weights, freezes as the preset and the config's ops say. */
export function buildModel(config: ModelConfig): tf.LayersModel {
  const spec = backboneSpec(config.backbone);
  const size = config.inputSize ?? spec.inputSize;
  if (size < spec.minInputSize) {
    throw new Error(`${spec.name} needs an input of at least ${spec.minInputSize} px, got ${size}`);
  }
  const head = { numClasses: config.numClasses };
  checkHeadOptions(config.preset, head);
  const input = tf.input({ shape: [size, size, 3], name: 'input' });
  const trunk = spec.buildTrunk(input);
  const outputs = PRESET_HEADS[config.preset](spec, trunk, head);
  const model = tf.model({ inputs: input, outputs, name: modelName(config) });
  applyFreezeOps(model, [...defaultFreezeOps(spec, config.preset), ...(config.freezeOps ?? [])]);
  rememberConfig(model, config);
  return model;
}

/** The module tree of a model built by `buildModel`. */
export function moduleTree(model: tf.LayersModel): ModuleNode {
  const spec = backboneSpec(builtConfig(model, 'moduleTree').backbone);
  return treeOf(model, (path) => headContainerType(spec, path) ?? spec.containerType(path));
}

export interface ModuleRow {
  path: string;
  type: string;
  outputShape: (number | null)[];
  params: number;
  trainableParams: number;
  depth: number;
}

/** Keras' `model.summary()` as data. */
export interface ModelSummary {
  total: number;
  trainable: number;
  nonTrainable: number;
  modules: ModuleRow[];
}

export function summarize(model: tf.LayersModel): ModelSummary {
  const root = moduleTree(model);
  const modules: ModuleRow[] = [];
  for (const { node, depth } of walkTree(root)) {
    if (node === root) continue;
    const { path, type, outputShape, params, trainableParams } = node;
    modules.push({ path, type, outputShape, params, trainableParams, depth: depth - 1 });
  }
  return { total: root.params, trainable: root.trainableParams, nonTrainable: root.params - root.trainableParams, modules };
}
