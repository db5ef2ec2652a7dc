import * as tf from '@tensorflow/tfjs';
import {
  BACKBONE_NAMES,
  PRESET_NAMES,
  backboneSpec,
  buildModel,
  formatWeightsInfo,
  saveModel,
  type BackboneName,
  type ModelConfig,
} from '../../engine/models';
import { scanDataset, splitDataset, DEFAULT_SPLIT_OPTIONS, type DatasetIndex } from '../../engine/data';
import { headConfig, taskContext, taskFor, TASK_NAMES, type TaskName } from '../../engine/tasks';
import { restartBackend } from '../../engine/backend';
import {
  defaultTrainConfig,
  evaluate,
  fitBatchSizeToDevice,
  fitRecovering,
  OPTIMIZER_NAMES,
  TRAIN_DEFAULTS,
  type Hyperparameters,
  type Recovery,
  type OptimizerName,
  type TrainEvent,
} from '../../engine/train';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { freezeOpsInOrder } from '../freezeOps';
import { writeModelDir } from '../modelDir';
import { formatProblems } from '../inspect';
import { useBackend, type NodeBackend } from '../nodeBackends';
import { numberOption } from '../numberOption';
import { openDataset } from '../openDataset';
import { sharpDecoder } from '../sharpDecoder';
import { loadWeightsOption } from '../weightsOption';

/** The backbone each task starts from: ImageNet-like photos on the COCO MobileNetV3, faces on the face-descriptor ResNet. */
export const DEFAULT_BACKBONE: Record<TaskName, BackboneName> = {
  classification: 'mobilenet_v3',
  keypoints: 'face_resnet',
  'age-gender': 'face_resnet',
};

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

const OPTIONS = {
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'the dataset: a zip or a folder' },
  backbone: { type: 'string', choices: BACKBONE_NAMES, help: 'the pretrained network to start from', defaultText: byTask((t) => DEFAULT_BACKBONE[t]) },
  preset: { type: 'string', choices: PRESET_NAMES, help: "the head, which must fit the dataset's task", defaultText: "the task's own" },
  epochs: { type: 'string', value: 'N', help: 'passes over the training images', defaultText: byTask((t) => TRAIN_DEFAULTS[t].epochs) },
  lr: { type: 'string', value: 'X', help: 'learning rate', defaultText: byTask((t) => TRAIN_DEFAULTS[t].learningRate) },
  batch: { type: 'string', value: 'N', help: 'images per step (lowered to what the device fits)', defaultText: byTask((t) => TRAIN_DEFAULTS[t].batchSize) },
  'input-size': COMMON_OPTIONS['input-size'],
  seed: { type: 'string', value: 'N', help: 'seed of the head initialization, Dropout masks and shuffles', defaultText: byTask((t) => TRAIN_DEFAULTS[t].seed) },
  optimizer: { type: 'string', choices: OPTIMIZER_NAMES, help: 'the optimizer', defaultText: byTask((t) => TRAIN_DEFAULTS[t].optimizer) },
  freeze: COMMON_OPTIONS.freeze,
  unfreeze: COMMON_OPTIONS.unfreeze,
  weights: COMMON_OPTIONS.weights,
  'no-cache': { type: 'boolean', default: false, help: 'run the frozen prefix every step instead of caching its features' },
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

function describeUnusable(index: DatasetIndex, target: string): string {
  const problems = index.report.problems.slice(0, 5).map((p) => `  ${p.file}: ${p.reason}`);
  const why = index.report.ambiguous ? `it fits several layouts (${index.report.candidates.join(', ')})` : 'no dataset layout was recognized';
  return [`${target}: cannot train on it: ${why}`, ...problems].join('\n');
}

/** `{ n, ...metrics }` of an evaluation: the shape `evaluate` prints. */
export function metricsJson(e: { n: number; metrics: Record<string, number> }): Record<string, number> {
  return { n: e.n, ...e.metrics };
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'train', OPTIONS);
  const usage = (message: string) => new UsageError(`${message}\nusage: ${USAGE}`);
  const overrides: Partial<Hyperparameters> = {
    ...(values.epochs !== undefined && { epochs: numberOption('--epochs', values.epochs, { integer: true, min: 1 }, USAGE) }),
    ...(values.lr !== undefined && { learningRate: numberOption('--lr', values.lr, { min: Number.MIN_VALUE }, USAGE) }),
    ...(values.batch !== undefined && { batchSize: numberOption('--batch', values.batch, { integer: true, min: 1 }, USAGE) }),
    ...(values.seed !== undefined && { seed: numberOption('--seed', values.seed, { integer: true, min: 0 }, USAGE) }),
    ...(values.optimizer !== undefined && { optimizer: values.optimizer as OptimizerName }),
    ...(values['no-cache'] && { featureCache: false }),
  };
  const inputSize = values['input-size'] === undefined ? undefined : numberOption('--input-size', values['input-size'], { integer: true, min: 1 }, USAGE);

  const { archive, close } = await openDataset(values.data);
  try {
    // Decoding every image once here skips a damaged one, which would otherwise stop the run mid-epoch.
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    if (!index.report.task || index.report.ambiguous) throw new Error(describeUnusable(index, values.data));
    if (index.report.problems.length) process.stderr.write(`${archive.name}: ${formatProblems(index.report).join('\n')}\n`);
    const task = taskFor(index.report.task);
    const ctx = taskContext(index.report);
    const head = headConfig(task, ctx);
    if (values.preset !== undefined && values.preset !== head.preset) {
      throw usage(`--preset ${values.preset} does not fit ${archive.name}: it holds '${index.report.task}' data, which trains the '${head.preset}' preset`);
    }
    // The default split seed, not --seed: `evaluate --split val` then finds the same val images.
    const splits = splitDataset(index);
    const backbone = (values.backbone as BackboneName | undefined) ?? DEFAULT_BACKBONE[task.name];
    const spec = backboneSpec(backbone);

    await useBackend(values.backend as NodeBackend);
    const modelConfig: ModelConfig = { backbone, ...head, inputSize: inputSize ?? spec.inputSize, freezeOps: freezeOpsInOrder(argv) };
    let model = buildModel(modelConfig);
    try {
      const weights = await loadWeightsOption(model, spec, values.weights);
      modelConfig.weights = weights.pretrained ? 'pretrained' : 'random';
      const defaults = defaultTrainConfig(task.name, modelConfig, ctx, overrides);
      const fitted = fitBatchSizeToDevice(model, defaults.batchSize);
      if (fitted.notice) process.stderr.write(`${fitted.notice}\n`);
      const config = { ...defaults, batchSize: fitted.batchSize };
      process.stderr.write(
        `${archive.name}: ${task.name}, train ${splits.train.length}, val ${splits.val.length}` +
          `${splits.valFrom === 'train' ? ` (seeded ${Math.round(DEFAULT_SPLIT_OPTIONS.valFraction * 100)}% of train)` : ''}` +
          `${splits.test.length ? `, test ${splits.test.length}` : ''}; ${model.name} at ${modelConfig.inputSize}² on ${tf.getBackend()}; ` +
          `weights: ${formatWeightsInfo(weights)}\n`,
      );

      const writer = reportWriter(process.stdout);
      // A lost GPU device restarts the backend and the run goes on from its last finished epoch.
      const recovery: Recovery = {
        restart: () => restartBackend({}),
        rebuild: async () => {
          model.dispose();
          model = buildModel(modelConfig);
          await loadWeightsOption(model, spec, values.weights);
          return model;
        },
      };
      const onEvent = (e: TrainEvent) => {
        if (e.type === 'record') writer.record(e.line);
        else if (e.type === 'epoch') writer.line(run.report.epochLine(e.epoch));
        else if (e.type === 'notice') process.stderr.write(`${e.message}\n`);
      };
      const run = fitRecovering(model, { archive, decoder: sharpDecoder, splits }, config, { onEvent }, recovery);
      const result = await run.done;
      if (result.cache) {
        process.stderr.write(`feature cache: ${result.cache.images} images in ${result.cache.seconds.toFixed(1)} s\n`);
      }
      const test = splits.test.length ? await evaluate(model, task, ctx, archive, splits.test, { decoder: sharpDecoder, batchSize: config.batchSize }) : undefined;
      const summary = {
        task: task.name,
        model: model.name,
        bestEpoch: result.bestEpoch,
        ...(result.best && { val: metricsJson(result.best) }),
        ...(test && { test: metricsJson(test) }),
      };
      if (values.out) {
        const metrics = Object.fromEntries([
          ...Object.entries(result.best?.metrics ?? {}).map(([k, v]) => [`val_${k}`, v]),
          ...Object.entries(test?.metrics ?? {}).map(([k, v]) => [`test_${k}`, v]),
        ]);
        await writeModelDir(values.out, await saveModel(model, { model: modelConfig, task: task.name, ctx, metrics }));
        process.stderr.write(`saved to ${values.out}\n`);
      }
      process.stdout.write(JSON.stringify(summary) + '\n');
    } finally {
      model.dispose();
    }
  } finally {
    await close();
  }
  return 0;
}
