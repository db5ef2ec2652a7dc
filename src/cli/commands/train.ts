import * as tf from '@tensorflow/tfjs';
import { BACKBONE_NAMES, PRESET_NAMES, formatWeightsInfo, type ModelConfig } from '../../engine/models';
import { DEFAULT_SPLIT_OPTIONS } from '../../engine/data';
import { TASK_NAMES, type TaskName } from '../../engine/tasks';
import { restartBackend } from '../../engine/backend';
import {
  AUGMENT_DEFAULTS,
  DEFAULT_BACKBONE,
  RECIPES,
  OPTIMIZER_NAMES,
  SCHEDULE_NAMES,
  FINE_TUNE_DEFAULTS,
  planTraining,
  proposedHyperparameters,
  runTraining,
  type Hyperparameters,
  type ScheduleName,
  type TrainEvent,
  type TrainingChoices,
  type TrunkEngineChoice,
} from '../../engine/train';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { outDirProblem, writeModelDir } from '../modelDir';
import { formatClassWeights } from '../inspect';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { numberOption } from '../numberOption';
import { sharpDecoder } from '../node/sharpDecoder';
import { buildWithWeights, modelChoicesFrom, openForTraining } from '../trainingSetup';
import { TRUNK_ENGINE_OPTION, trunkRunnerFor } from '../trunkEngineOption';
import { faceDetectorFor } from '../nodeFaceDetector';
import { printable } from '../../engine/data';

/** A default that depends on the task, in words (`0.001 for classification, 0.0001 for keypoints and age-gender`). */
function byTask(value: (task: TaskName) => string | number): string {
  const groups = new Map<string, TaskName[]>();
  for (const task of TASK_NAMES) {
    const v = String(value(task));
    groups.set(v, [...(groups.get(v) ?? []), task]);
  }
  if (groups.size === 1) return [...groups.keys()][0];
  return [...groups].map(([v, tasks]) => `${v} for ${tasks.join(' and ')}`).join(', ');
}

/** What `planTraining` proposes for a task on its default backbone (the batch may be lowered for a small dataset). */
const proposed = (key: keyof Hyperparameters) => byTask((t) => String(proposedHyperparameters(t, DEFAULT_BACKBONE[t])[key]));

const OPTIONS = {
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'the dataset: a zip or a folder' },
  backbone: { type: 'string', choices: BACKBONE_NAMES, help: 'the pretrained network to start from', defaultText: byTask((t) => DEFAULT_BACKBONE[t]) },
  preset: { type: 'string', choices: PRESET_NAMES, help: "the head, which must fit the dataset's task", defaultText: "the task's own" },
  epochs: { type: 'string', value: 'N', help: 'passes over the training images', defaultText: proposed('epochs') },
  lr: { type: 'string', value: 'X', help: 'learning rate', defaultText: proposed('learningRate') },
  batch: { type: 'string', value: 'N', help: 'images per step (lowered to what the device fits, and for a small dataset)', defaultText: proposed('batchSize') },
  'input-size': {
    ...COMMON_OPTIONS['input-size'],
    defaultText: `${byTask((t) => RECIPES[t][DEFAULT_BACKBONE[t]]?.inputSize ?? 'the backbone\'s own')} on the default backbones; else the backbone's own`,
  },
  seed: { type: 'string', value: 'N', help: 'seed of the head initialization, Dropout masks and shuffles', defaultText: proposed('seed') },
  optimizer: { type: 'string', choices: OPTIMIZER_NAMES, help: 'the optimizer', defaultText: proposed('optimizer') },
  freeze: COMMON_OPTIONS.freeze,
  unfreeze: COMMON_OPTIONS.unfreeze,
  weights: COMMON_OPTIONS.weights,
  schedule: { type: 'string', choices: SCHEDULE_NAMES, help: 'learning rate over each phase: one-cycle (fastai) or cosine with warm-up', defaultText: 'constant' },
  'fine-tune': { type: 'boolean', default: false, help: "fastai's fine_tune: the head on the frozen trunk, then the trunk unfrozen at rates lr/100 … lr (--epochs counts both phases)" },
  'no-fine-tune': { type: 'boolean', default: false, help: 'train the head alone on the frozen trunk, even where the proposed recipe fine-tunes (classification on mobilenet_v3, keypoints on face_dense)' },
  'freeze-epochs': { type: 'string', value: 'N', help: 'with --fine-tune: epochs of the head-only phase', defaultText: String(FINE_TUNE_DEFAULTS.freezeEpochs) },
  'unfreeze-from': { type: 'string', value: 'PATH', help: 'with --fine-tune: unfreeze the trunk from this module on (layer4, expanded_conv_12)', defaultText: 'the whole trunk' },
  'train-bn': { type: 'boolean', default: false, help: "with --fine-tune: the trunk's BatchNorm layers train in phase 2 (else they keep their statistics)" },
  'lr-ratio': { type: 'string', value: 'X', help: "with --fine-tune: the head's rate over the first unfrozen group's (fastai's slice(lr/100, lr) is 100)", defaultText: String(FINE_TUNE_DEFAULTS.lrRatio) },
  'no-cache': { type: 'boolean', default: false, help: 'run the frozen prefix every step instead of caching its features' },
  ...TRUNK_ENGINE_OPTION,
  'face-crop': COMMON_OPTIONS['face-crop'],
  'no-face-crop': COMMON_OPTIONS['no-face-crop'],
  augment: {
    type: 'boolean',
    default: false,
    help: `augment train images, seeded (flip ${AUGMENT_DEFAULTS.flip}, crop area ${AUGMENT_DEFAULTS.scale.join('–')}, rotation ±${AUGMENT_DEFAULTS.rotate}°, brightness/contrast/saturation ±${AUGMENT_DEFAULTS.brightness}); keypoints move with the image; no feature cache (the frozen prefix runs every step)`,
  },
  'augment-strength': { type: 'string', value: 'X', help: 'with --augment: scales rotation, crop and colour amounts (0 none of them, 2 twice)', defaultText: String(AUGMENT_DEFAULTS.strength) },
  out: { type: 'string', value: 'DIR', help: 'write model.json, weights.bin and studio.json there' },
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;
const USAGE = usageText('train', OPTIONS);

/** Writes Report lines: a TTY gets one line rewritten in place per record, anything else one line per record. */
function reportWriter(out: NodeJS.WriteStream) {
  const tty = Boolean(out.isTTY);
  let open = false;
  return {
    record(line: string) {
      if (tty) {
        out.write(`\r${line}\x1b[K`);
        open = true;
      } else out.write(line + '\n');
    },
    line(line: string) {
      out.write(`${open ? '\r' : ''}${line}${open ? '\x1b[K' : ''}\n`);
      open = false;
    },
  };
}

/** `{ n, ...metrics }` of an evaluation: the shape `evaluate` prints. */
export function metricsJson(e: { n: number; metrics: Record<string, number> }): Record<string, number> {
  return { n: e.n, ...e.metrics };
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'train', OPTIONS);
  const usage = (message: string) => new UsageError(`${message}\nusage: ${USAGE}`);
  const choices: TrainingChoices = {
    ...modelChoicesFrom(values, argv, USAGE),
    ...(values.epochs !== undefined && { epochs: numberOption('--epochs', values.epochs, { integer: true, min: 1 }, USAGE) }),
    ...(values.lr !== undefined && { learningRate: numberOption('--lr', values.lr, { min: Number.MIN_VALUE }, USAGE) }),
    ...(values.seed !== undefined && { seed: numberOption('--seed', values.seed, { integer: true, min: 0 }, USAGE) }),
    ...(values.schedule !== undefined && { schedule: values.schedule as ScheduleName }),
    ...(values.augment && {
      augment: values['augment-strength'] === undefined ? {} : { strength: numberOption('--augment-strength', values['augment-strength'], { min: 0 }, USAGE) },
    }),
  };
  if (values['augment-strength'] !== undefined && !values.augment) throw usage('--augment-strength goes with --augment');
  const tuning = values['freeze-epochs'] !== undefined || values['unfreeze-from'] !== undefined || values['train-bn'] || values['lr-ratio'] !== undefined;
  if (tuning && !values['fine-tune']) throw usage('--freeze-epochs, --unfreeze-from, --train-bn and --lr-ratio go with --fine-tune');
  if (values['no-fine-tune']) {
    if (values['fine-tune'] || tuning) throw usage('--no-fine-tune goes with none of --fine-tune, --freeze-epochs, --unfreeze-from, --train-bn, --lr-ratio');
    choices.fineTune = null;
  }
  if (values['fine-tune']) {
    choices.fineTune = {
      freezeEpochs: values['freeze-epochs'] === undefined ? FINE_TUNE_DEFAULTS.freezeEpochs : numberOption('--freeze-epochs', values['freeze-epochs'], { integer: true, min: 0 }, USAGE),
      ...(values['unfreeze-from'] !== undefined && { unfreezeFrom: values['unfreeze-from'] }),
      ...(values['train-bn'] && { trainBn: true }),
      ...(values['lr-ratio'] !== undefined && { lrRatio: numberOption('--lr-ratio', values['lr-ratio'], { min: 1 }, USAGE) }),
    };
  }

  // Checked before the data is read: a bad --out found after training would lose the model.
  if (values.out !== undefined) {
    const problem = await outDirProblem(values.out);
    if (problem) throw usage(`--out ${values.out}: cannot save the model there: ${problem}`);
  }

  const { archive, index, splits, close } = await openForTraining(values.data);
  try {
    const config = planTraining(index.report, choices, splits.train.length);
    if (values.preset !== undefined && values.preset !== config.model.preset) {
      throw usage(`--preset ${values.preset} does not fit ${archive.name}: it holds '${index.report.task}' data, which trains the '${config.model.preset}' preset`);
    }
    await useBackend(values.backend as NodeBackend);
    const build = () => buildWithWeights(config.model, values.weights);
    const first = await build();
    // What was loaded, not what was asked for: bundled weights that cannot be read leave random init.
    const modelConfig: ModelConfig = { ...config.model, weights: first.weights.pretrained ? 'pretrained' : 'random' };
    let model = first.model;
    try {
      process.stderr.write(
        `${archive.name}: ${config.task}, train ${splits.train.length}, val ${splits.val.length}` +
          `${splits.valFrom === 'train' ? ` (seeded ${Math.round(DEFAULT_SPLIT_OPTIONS.valFraction * 100)}% of train)` : ''}` +
          `${splits.test.length ? `, test ${splits.test.length}` : ''}; ${model.name} at ${modelConfig.inputSize}² on ${tf.getBackend()}; ` +
          `${config.optimizer} lr ${config.learningRate}${config.schedule ? ` ${config.schedule}` : ''}, batch ${config.batchSize}, ${config.epochs} epochs${config.fineTune ? ` (fine_tune: ${config.fineTune.freezeEpochs} head epochs, then from ${config.fineTune.unfreezeFrom ?? 'the first layer'})` : ''}${config.augment ? `, augmented${config.augment.strength === undefined ? '' : ` (strength ${config.augment.strength})`}` : ''}${config.ctx.classWeights ? `; class weights ${formatClassWeights(config.ctx.classes!, config.ctx.classWeights)}` : ''}; weights: ${formatWeightsInfo(first.weights)}` +
          `${config.featureCache ? `; trunk engine ${values['trunk-engine']}` : ''}${modelConfig.faceCrop ? '; on face crops (BlazeFace)' : ''}\n`,
      );
      const writer = reportWriter(process.stdout);
      const onEvent = (e: TrainEvent) => {
        if (e.type === 'record') writer.record(e.line);
        else if (e.type === 'epoch') writer.line(run.report.epochLine(e.epoch));
        else if (e.type === 'notice') process.stderr.write(`${e.message}\n`);
        else if (e.type === 'progress' && e.phase === 'faces' && process.stderr.isTTY) {
          process.stderr.write(`\rfinding faces: ${e.done}/${e.total}${e.done === e.total ? '\n' : ''}`);
        }
      };
      const run = runTraining({
        config: { ...config, model: modelConfig },
        dataset: { archive, index, decoder: sharpDecoder },
        model,
        // A lost GPU device restarts the backend and the run goes on from its last finished epoch.
        restartBackend: () => restartBackend({}),
        rebuild: async () => {
          model.dispose();
          model = (await build()).model;
          return model;
        },
        onEvent,
        trunkRunner: trunkRunnerFor(values['trunk-engine'] as TrunkEngineChoice, (line) => process.stderr.write(`${line}\n`)),
        save: values.out ? (files) => writeModelDir(values.out!, files) : undefined,
        faceDetector: await faceDetectorFor(modelConfig.faceCrop),
      });
      const outcome = await run.done;
      model = outcome.model;
      const { fit, test } = outcome;
      if (outcome.faceCrop) {
        const { problems, seconds } = outcome.faceCrop;
        for (const p of problems) process.stderr.write(`${printable(p.file)}${p.row ? ` row ${p.row}` : ''}: ${p.reason}\n`);
        const all = outcome.splits.train.length + outcome.splits.val.length + outcome.splits.test.length;
        process.stderr.write(`face crops: ${all} images in ${seconds.toFixed(1)} s, no face in ${problems.length}\n`);
      }
      if (fit.cache) process.stderr.write(`feature cache: ${fit.cache.images} images in ${fit.cache.seconds.toFixed(1)} s on ${fit.cache.trunk}\n`);
      if (values.out) process.stderr.write(`saved to ${values.out}\n`);
      const summary = {
        task: config.task,
        model: model.name,
        bestEpoch: fit.bestEpoch,
        ...(fit.cache && { trunk: fit.cache.trunk }),
        ...(fit.best && { val: metricsJson(fit.best) }),
        ...(test && { test: metricsJson(test) }),
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } finally {
      model.dispose();
    }
  } finally {
    await close();
  }
  return 0;
}
