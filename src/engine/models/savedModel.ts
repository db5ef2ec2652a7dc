import * as tf from '@tensorflow/tfjs';
import type { TaskContext, TaskName } from '../tasks';
import type { ModelConfig } from './buildModel';
import { backboneSpec } from './backbones';
import type { Preprocessing } from './types';
// Registers the studio's custom layers with tf.serialization before any model.json is read.
import './layers/AdaptivePool2d';
import './layers/batchNorm';
import './layers/channelLayers';

/** File names of a saved model: a standard tfjs layers model plus the studio's own description of it. */
export const SAVED_MODEL_FILES = { model: 'model.json', weights: 'weights.bin', meta: 'studio.json' } as const;

/** Version of `studio.json`; a loader refuses files of another version rather than misread them. */
export const SAVED_MODEL_VERSION = 1;

/** `studio.json`: what the CLI, the Predict panel and a reload need beyond the network itself. Plain JSON. */
export interface SavedModelMeta {
  version: typeof SAVED_MODEL_VERSION;
  /** How the model was built (backbone, preset, freezing): the same object as `TrainConfig.model`. */
  model: ModelConfig;
  task: TaskName;
  /** Class names, points per image, loss weights. */
  ctx: TaskContext;
  /** What raw 0..255 RGB pixels go through before the network (the backbone's pretraining recipe). */
  preprocessing: Preprocessing;
  /** Square input side in pixels the model was built for. */
  inputSize: number;
  /** Final metrics by key (`val_accuracy`, `test_accuracy`, `val_nme`…: docs/VOCABULARY.md), as the run reported them. */
  metrics: Record<string, number>;
  /** ISO 8601 time of saving. */
  created: string;
}

/** What the caller says about a model; the rest of `SavedModelMeta` is read from the model itself. */
export type SaveModelInfo = Pick<SavedModelMeta, 'model' | 'task' | 'ctx'> & Partial<Pick<SavedModelMeta, 'metrics' | 'created'>>;

/** A saved model as files in memory: file name → bytes. Zipped for "Download model", written to `--out DIR`. */
export type SavedModelFiles = Record<string, Uint8Array>;

function inputSizeOf(model: tf.LayersModel): number {
  const [, height, width] = model.inputs[0].shape;
  if (typeof height !== 'number' || height !== width) {
    throw new Error(`${model.name}: expected a square input, got [${model.inputs[0].shape}]`);
  }
  return height;
}

function joined(data: tf.io.WeightData): Uint8Array {
  return new Uint8Array(Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data);
}

/**
 * Serializes a trained model (topology, every weight, each layer's `trainable` flag) and its description.
 * Resolves to `model.json`, `weights.bin` (one shard) and `studio.json`. Leaves the model and tf.memory as they were.
 */
export async function saveModel(model: tf.LayersModel, info: SaveModelInfo): Promise<SavedModelFiles> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || artifacts.weightData === undefined) throw new Error(`${model.name}: tfjs saved no weights`);
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [SAVED_MODEL_FILES.weights], weights: artifacts.weightSpecs }],
  };
  const meta: SavedModelMeta = {
    version: SAVED_MODEL_VERSION,
    model: info.model,
    task: info.task,
    ctx: info.ctx,
    preprocessing: backboneSpec(info.model.backbone).preprocessing,
    inputSize: inputSizeOf(model),
    metrics: info.metrics ?? {},
    created: info.created ?? new Date().toISOString(),
  };
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  return {
    [SAVED_MODEL_FILES.model]: encode(modelJSON),
    [SAVED_MODEL_FILES.weights]: joined(artifacts.weightData),
    [SAVED_MODEL_FILES.meta]: encode(meta),
  };
}

function readJson<T>(files: SavedModelFiles, name: string): T {
  const bytes = files[name];
  if (!bytes) throw new Error(`not a saved model: ${name} is missing (found ${Object.keys(files).join(', ') || 'no files'})`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new Error(`${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads `studio.json` alone (the Predict panel shows the task and classes before the weights are loaded). */
export function readSavedModelMeta(files: SavedModelFiles): SavedModelMeta {
  const meta = readJson<SavedModelMeta>(files, SAVED_MODEL_FILES.meta);
  if (meta.version !== SAVED_MODEL_VERSION) {
    throw new Error(`${SAVED_MODEL_FILES.meta} has version ${meta.version}; this studio reads version ${SAVED_MODEL_VERSION}`);
  }
  return meta;
}

/**
 * Sets each layer's `trainable` as the topology says: custom layers whose constructors take only a name
 * (AdaptivePool2d, ChannelZeroPad) would otherwise come back trainable inside a frozen module.
 */
function restoreTrainable(model: tf.LayersModel, modelJSON: tf.io.ModelJSON): void {
  const topology = modelJSON.modelTopology as { config?: { layers?: { config: { name: string; trainable?: boolean } }[] } };
  for (const { config } of topology.config?.layers ?? []) {
    if (config.trainable !== undefined) model.getLayer(config.name).trainable = config.trainable;
  }
}

/**
 * Rebuilds a model from `saveModel`'s files (or any tfjs layers `model.json` whose shards are among `files`,
 * plus a `studio.json`). The caller owns the model and disposes it.
 */
export async function loadSavedModel(files: SavedModelFiles): Promise<{ model: tf.LayersModel; meta: SavedModelMeta }> {
  const meta = readSavedModelMeta(files);
  const modelJSON = readJson<tf.io.ModelJSON>(files, SAVED_MODEL_FILES.model);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (groups) => {
    const shards = groups.flatMap((g) => g.paths).map((path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`${SAVED_MODEL_FILES.model} names the weights file '${path}', which is missing`);
      return bytes.slice().buffer as ArrayBuffer;
    });
    return [groups.flatMap((g) => g.weights), shards.length === 1 ? shards[0] : tf.io.CompositeArrayBuffer.join(shards)];
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  restoreTrainable(model, modelJSON);
  return { model, meta };
}
