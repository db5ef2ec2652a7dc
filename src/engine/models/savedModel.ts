import * as tf from '@tensorflow/tfjs';
import type { TaskContext, TaskName } from '../tasks';
import { buildModel, type ModelConfig } from './buildModel';
import { backboneSpec } from './backbones';
import { rememberConfig } from './modelConfigOf';
import { standardWeightNames, toStandardLayers } from './standardLayers';
import type { Preprocessing } from './types';

/**
 * File names of a saved model: a standard tfjs layers model (no studio layer classes: plain
 * `tf.loadLayersModel` reads it) plus the studio's own description of it.
 */
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

/** `studio.json` for `model`: what the caller says, plus the preprocessing and input size read from the model. */
export function savedModelMeta(model: tf.LayersModel, info: SaveModelInfo): SavedModelMeta {
  return {
    version: SAVED_MODEL_VERSION,
    model: info.model,
    task: info.task,
    ctx: info.ctx,
    preprocessing: backboneSpec(info.model.backbone).preprocessing,
    inputSize: inputSizeOf(model),
    metrics: info.metrics ?? {},
    created: info.created ?? new Date().toISOString(),
  };
}

/**
 * Serializes a trained model (topology in standard Keras layers, every weight, each layer's `trainable` flag) and
 * its description. Resolves to `model.json` (carrying the description too, as `userDefinedMetadata.studio`),
 * `weights.bin` (one shard) and `studio.json`. Leaves the model and tf.memory as they were.
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
  const standard = toStandardLayers(model, artifacts.modelTopology as tf.io.ModelJSON['modelTopology'], artifacts.weightSpecs);
  const meta = savedModelMeta(model, info);
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: standard.topology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [SAVED_MODEL_FILES.weights], weights: standard.weightSpecs }],
    userDefinedMetadata: { studio: meta as unknown as object },
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
 * Sets each layer's `trainable` as the topology says (fine-tuning may have opened layers the config's freeze ops
 * do not). Layers of a standard form that the studio model has as one custom layer are not in it: skipped.
 */
function restoreTrainable(model: tf.LayersModel, modelJSON: tf.io.ModelJSON): void {
  const topology = modelJSON.modelTopology as { config?: { layers?: { config: { name: string; trainable?: boolean } }[] } };
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  for (const { config } of topology.config?.layers ?? []) {
    const layer = byName.get(config.name);
    if (layer && config.trainable !== undefined) layer.trainable = config.trainable;
  }
}

/**
 * Sets every weight of `model` from the file's weights, found under the weight's own name or, for a custom layer's
 * weight, under its standard form's name (reshaped back). Throws naming what is missing or left over.
 */
function setWeightsFrom(model: tf.LayersModel, saved: tf.NamedTensorMap): void {
  const standard = standardWeightNames(model);
  const used = new Set<string>();
  tf.tidy(() => {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      layer.setWeights(
        layer.weights.map((w) => {
          const name = [w.originalName, standard.get(w.originalName)?.name].find((n) => n !== undefined && n in saved);
          if (name === undefined) {
            throw new Error(`${SAVED_MODEL_FILES.model} has no weight '${w.originalName}', which ${model.name} needs: the files are not this model's`);
          }
          used.add(name);
          return saved[name].reshape(w.shape as number[]);
        }),
      );
    }
  });
  const extra = Object.keys(saved).filter((name) => !used.has(name));
  if (extra.length) {
    throw new Error(`${SAVED_MODEL_FILES.model} holds weights ${model.name} does not have (${extra.slice(0, 3).join(', ')}${extra.length > 3 ? '…' : ''}): the files are not this model's`);
  }
}

/**
 * Rebuilds a model from `saveModel`'s files: the studio's own network for `studio.json`'s model config (its custom
 * layers, module paths and freezing), with the weights of `model.json`'s shards among `files` (standard-form names,
 * or the custom layers' own names as older saves have them). The caller owns the model and disposes it.
 */
export async function loadSavedModel(files: SavedModelFiles): Promise<{ model: tf.LayersModel; meta: SavedModelMeta }> {
  const meta = readSavedModelMeta(files);
  const modelJSON = readJson<tf.io.ModelJSON>(files, SAVED_MODEL_FILES.model);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (groups) => {
    const paths = groups.flatMap((g) => g.paths);
    const shards = paths.map((path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`${SAVED_MODEL_FILES.model} names the weights file '${path}', which is missing`);
      return bytes.slice().buffer as ArrayBuffer;
    });
    const specs = groups.flatMap((g) => g.weights);
    const data = shards.length === 1 ? shards[0] : tf.io.CompositeArrayBuffer.join(shards);
    checkWeights(paths.join(', '), specs, data);
    return [specs, data];
  });
  const model = buildModel(meta.model);
  const saved = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  try {
    checkOutputsFitTask(model, meta);
    setWeightsFrom(model, saved);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(saved);
  }
  restoreTrainable(model, modelJSON);
  rememberConfig(model, meta.model);
  return { model, meta };
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * The weights file holds exactly what `model.json`'s manifest describes, and no float weight is NaN or
 * infinite (a model that would print `"probs": [null, null]`). Throws naming the file and the weight.
 */
function checkWeights(file: string, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  const sizes = specs.map((w) => {
    const per = BYTES_PER_VALUE[w.quantization?.dtype ?? w.dtype];
    return per === undefined ? NaN : per * w.shape.reduce((a, b) => a * b, 1);
  });
  const need = sizes.reduce((a, b) => a + b, 0);
  if (Number.isNaN(need)) return; // string weights: sized by their contents, not by the manifest
  if (data.byteLength !== need) {
    throw new Error(`${file} holds ${data.byteLength} bytes; ${SAVED_MODEL_FILES.model} describes ${specs.length} weights in ${need} bytes (truncated or not this model's weights)`);
  }
  let offset = 0;
  specs.forEach((w, i) => {
    if (w.dtype === 'float32' && !w.quantization) {
      const values = new Float32Array(data.slice(offset, offset + sizes[i]));
      const bad = values.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
      if (bad) throw new Error(`${file}: weight '${w.name}' holds ${bad} NaN or infinite values of ${values.length}; the model cannot predict`);
    }
    offset += sizes[i];
  });
}

/** Widths of the outputs a task decodes, for a saved model's context: what its network must give. */
const TASK_OUTPUT_WIDTHS: Record<TaskName, (ctx: TaskContext) => number[]> = {
  classification: (ctx) => [(ctx.classes?.length ?? 0) === 2 ? 1 : (ctx.classes?.length ?? 0)],
  keypoints: (ctx) => [2 * (ctx.points ?? 0)],
  'age-gender': () => [1, 1],
};

/** `studio.json`'s task (and its classes or points) fits the network's outputs, or the model is refused. */
function checkOutputsFitTask(model: tf.LayersModel, meta: SavedModelMeta): void {
  if (!Object.hasOwn(TASK_OUTPUT_WIDTHS, meta.task)) {
    throw new Error(`${SAVED_MODEL_FILES.meta} names the task '${meta.task}'; the tasks are ${Object.keys(TASK_OUTPUT_WIDTHS).join(', ')}`);
  }
  const want = TASK_OUTPUT_WIDTHS[meta.task](meta.ctx ?? {});
  const have = model.outputs.map((o) => o.shape[o.shape.length - 1]);
  if (want.length !== have.length || want.some((w, i) => !(w > 0) || w !== have[i])) {
    throw new Error(
      `${SAVED_MODEL_FILES.meta} says '${meta.task}'${meta.task === 'classification' ? ` with ${meta.ctx?.classes?.length ?? 0} classes` : meta.task === 'keypoints' ? ` with ${meta.ctx?.points ?? 0} points` : ''}, ` +
        `which needs outputs of width [${want}]; ${SAVED_MODEL_FILES.model}'s network gives [${have}]: the two files do not belong together`,
    );
  }
}
