import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { BACKBONE_NAMES, PRESET_NAMES, backboneSpec, formatWeightsInfo, type BackboneName, type PresetName, type SavedModelMeta } from '../../engine/models';
import { FACE_CROP } from '../../engine/data';
import { toOnnx } from '../../engine/export/onnx/toOnnx';
import { pytorchProject } from '../../engine/export/pytorch';
import { RECIPES, proposedHyperparameters } from '../../engine/train';
import { AGE_GENDER_LOSS_WEIGHTS, type TaskContext, type TaskName } from '../../engine/tasks';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { COMMON_OPTIONS, inputSizeOption } from '../commonOptions';
import { readModelDir } from '../modelDir';
import { loadModelFiles } from '../loadModelFiles';
import { useBackend } from '../node/nodeBackends';
import { buildWithWeights } from '../trainingSetup';

const FORMATS = ['onnx', 'pytorch'] as const;
/** The presets a PyTorch project can train: the book's (the original head has no studio task). */
const TASK_OF_PRESET: Partial<Record<PresetName, TaskName>> = { binary: 'classification', multiclass: 'classification', keypoints: 'keypoints', 'age-gender': 'age-gender' };

const OPTIONS = {
  model: { type: 'string', value: 'DIR', help: 'a saved model: the folder train --out wrote (or an exported PyTorch folder)' },
  format: { type: 'string', choices: FORMATS, default: 'onnx', help: 'onnx: one file (opset 13, NCHW input, dynamic batch); pytorch: a folder (model.py, weights.safetensors, train.py)' },
  out: { type: 'string', value: 'FILE|FOLDER', required: true, help: 'where to write it (an existing file, or a folder that is not empty, is not overwritten)' },
  backbone: { type: 'string', choices: BACKBONE_NAMES, help: 'with --format pytorch and no --model: export this untrained model (pretrained trunk, fresh head)' },
  preset: { type: 'string', choices: PRESET_NAMES.filter((p) => TASK_OF_PRESET[p]), help: 'with --backbone: the head', defaultText: 'binary' },
  classes: { type: 'string', value: 'A,B,…', help: 'with --backbone and a classification head: the class names (3 or more make the multiclass head)', defaultText: 'class_0,class_1' },
  'input-size': COMMON_OPTIONS['input-size'],
  weights: COMMON_OPTIONS.weights,
  'face-crop': { type: 'boolean', default: false, help: "with --backbone: the model takes the square around each image's face (BlazeFace's box), as train --face-crop makes it" },
  'no-face-crop': { type: 'boolean', default: false, help: "with --backbone: the model takes whole images, even where the proposed recipe crops faces" },
} satisfies CommandOptions;
const USAGE = usageText('export', OPTIONS);

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];
const usage = (message: string) => new UsageError(`${message}\nusage: ${USAGE}`);

/** The untrained model `--backbone/--preset/--classes/--input-size/--weights` describe, and its description. */
async function configuredModel(values: Values): Promise<{ model: tf.LayersModel; meta: SavedModelMeta; weights: string }> {
  const backbone = values.backbone as BackboneName;
  const classes = values.classes?.split(',').map((c) => c.trim());
  if (classes && (classes.length < 2 || classes.some((c) => !c))) throw usage(`--classes ${values.classes}: give two or more non-empty names`);
  const preset = (values.preset ?? (classes && classes.length > 2 ? 'multiclass' : 'binary')) as PresetName;
  const task = TASK_OF_PRESET[preset]!;
  let ctx: TaskContext = {};
  if (task === 'classification') {
    const names = classes ?? ['class_0', 'class_1'];
    if ((preset === 'binary') !== (names.length === 2)) throw usage(`--preset ${preset} with ${names.length} classes: binary takes 2, multiclass 3 or more`);
    ctx = { classes: names };
  } else if (classes) throw usage(`--classes goes with a classification head, not ${preset}`);
  if (task === 'keypoints') ctx = { points: 68 };
  if (task === 'age-gender') ctx = { lossWeights: { ...AGE_GENDER_LOSS_WEIGHTS, ...RECIPES[task][backbone]?.lossWeights } };
  const inputSize = values['input-size'] !== undefined ? inputSizeOption(values['input-size'], USAGE) : backboneSpec(backbone).inputSize;
  const faceCrop = values['no-face-crop'] ? undefined : values['face-crop'] ? FACE_CROP : RECIPES[task][backbone]?.faceCrop;
  const config = { backbone, preset, inputSize, ...(preset === 'multiclass' && { numClasses: ctx.classes!.length }), ...(faceCrop && { faceCrop }) };
  const { model, weights } = await buildWithWeights(config, values.weights);
  const meta: SavedModelMeta = {
    version: 1,
    model: { ...config, weights: weights.pretrained ? 'pretrained' : 'random' },
    task,
    ctx,
    preprocessing: backboneSpec(backbone).preprocessing,
    inputSize,
    metrics: {},
    created: new Date().toISOString(),
  };
  return { model, meta, weights: formatWeightsInfo(weights) };
}

/** Writes a PyTorch folder; refuses a folder that already holds files. */
async function writeProject(out: string, files: Record<string, Uint8Array>): Promise<number> {
  const existing = await readdir(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw usage(`--out ${out}: ${e.code === 'ENOTDIR' ? 'is a file, not a folder' : e.message}`);
  });
  if (existing.length) throw usage(`--out ${out}: the folder is not empty; remove it or pick another name`);
  await mkdir(out, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(path.join(out, name), bytes)));
  return Object.values(files).reduce((n, b) => n + b.length, 0);
}

/**
 * `export --model DIR --format onnx --out model.onnx`: the saved model as an ONNX file any runtime loads
 * (onnxruntime, TensorRT, OpenVINO). Input `input` [batch, 3, H, W] float32, preprocessed as `metadata_props`
 * says; one output per head, named as in the studio.
 * `export --format pytorch --out FOLDER` (from `--model DIR`, or an untrained `--backbone/--preset`): a PyTorch
 * project (engine/export/pytorch). Prints one JSON line: what it wrote, its bytes, inputs and outputs.
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'export', OPTIONS);
  const fromConfig = values.backbone !== undefined;
  if (fromConfig === (values.model !== undefined)) throw usage(values.model ? '--model and --backbone: give one of them' : '--model DIR is required (or --backbone, with --format pytorch)');
  if (fromConfig && values.format !== 'pytorch') throw usage('--backbone exports an untrained model with --format pytorch only');
  if (values['face-crop'] && values['no-face-crop']) throw usage('--face-crop and --no-face-crop contradict each other');
  const configOnly = ['preset', 'classes', 'input-size', 'weights', 'face-crop', 'no-face-crop'] as const;
  const stray = configOnly.find((k) => values[k] !== undefined && values[k] !== false && !fromConfig);
  if (stray) throw usage(`--${stray} goes with --backbone`);

  await useBackend('wasm');
  const { model, meta, weights } = fromConfig ? await configuredModel(values) : { ...(await loadModelFiles(await readModelDir(values.model!))), weights: undefined };
  try {
    let bytes: number;
    if (values.format === 'pytorch') {
      bytes = await writeProject(values.out, pytorchProject(model, meta, proposedHyperparameters(meta.task, meta.model.backbone)));
    } else {
      const onnx = toOnnx(model, meta);
      try {
        await writeFile(values.out, onnx, { flag: 'wx' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw usage(`--out ${values.out}: ${code === 'EEXIST' ? 'already exists; remove it or pick another name' : (e as Error).message}`);
      }
      bytes = onnx.length;
    }
    const summary = {
      format: values.format,
      out: values.out,
      bytes,
      input: { name: 'input', shape: ['batch', 3, meta.inputSize, meta.inputSize], preprocessing: meta.preprocessing, ...(meta.model.faceCrop && { faceCrop: meta.model.faceCrop }) },
      outputs: model.outputNames,
      task: meta.task,
      ...(weights && { weights }),
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    model.dispose();
  }
  return 0;
}
