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
import { headConfig, taskContext, taskFor, type TaskName } from '../../engine/tasks';
import { restartBackend } from '../../engine/backend';
import {
  defaultTrainConfig,
  evaluate,
  fitBatchSizeToDevice,
  fitRecovering,
  OPTIMIZER_NAMES,
  type Hyperparameters,
  type Recovery,
  type OptimizerName,
  type TrainEvent,
} from '../../engine/train';
import { parseCommandArgs, UsageError } from '../args';
import { freezeOpsInOrder } from '../freezeOps';
import { writeModelDir } from '../modelDir';
import { NODE_BACKENDS, useBackend, type NodeBackend } from '../nodeBackends';
import { numberOption } from '../numberOption';
import { openDataset } from '../openDataset';
import { sharpDecoder } from '../sharpDecoder';
import { loadWeightsOption } from '../weightsOption';

const USAGE =
  'transfer-studio train --data ZIP|DIR [--backbone <' + BACKBONE_NAMES.join('|') + '>] [--preset <' + PRESET_NAMES.join('|') + '>] ' +
  '[--epochs N] [--lr X] [--batch N] [--size N] [--seed N] [--optimizer <' + OPTIMIZER_NAMES.join('|') + '>] ' +
  '[--freeze PATH]... [--unfreeze PATH]... [--weights pretrained|random|FILE|URL] [--no-cache] [--out DIR] ' +
  '[--backend <' + NODE_BACKENDS.join('|') + '>]';

/** The backbone each task starts from: ImageNet-like photos on the COCO MobileNetV3, faces on the face-descriptor ResNet. */
export const DEFAULT_BACKBONE: Record<TaskName, BackboneName> = {
  classification: 'mobilenet_v3',
  keypoints: 'face_resnet',
  'age-gender': 'face_resnet',
};

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
  const { values } = parseCommandArgs(
    argv,
    {
      data: { type: 'string' },
      backbone: { type: 'string' },
      preset: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      optimizer: { type: 'string' },
      freeze: { type: 'string', multiple: true },
      unfreeze: { type: 'string', multiple: true },
      weights: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      out: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
    },
    USAGE,
  );
  const usage = (message: string) => new UsageError(`${message}\nusage: ${USAGE}`);
  if (!values.data) throw usage('--data is required');
  if (values.backbone !== undefined && !(BACKBONE_NAMES as readonly string[]).includes(values.backbone)) {
    throw usage(`unknown backbone '${values.backbone}'`);
  }
  if (values.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(values.preset)) throw usage(`unknown preset '${values.preset}'`);
  if (values.optimizer !== undefined && !(OPTIMIZER_NAMES as readonly string[]).includes(values.optimizer)) {
    throw usage(`unknown optimizer '${values.optimizer}'`);
  }
  if (!(NODE_BACKENDS as readonly string[]).includes(values.backend)) throw usage(`unknown backend '${values.backend}'`);
  const overrides: Partial<Hyperparameters> = {
    ...(values.epochs !== undefined && { epochs: numberOption('--epochs', values.epochs, { integer: true, min: 1 }, USAGE) }),
    ...(values.lr !== undefined && { learningRate: numberOption('--lr', values.lr, { min: Number.MIN_VALUE }, USAGE) }),
    ...(values.batch !== undefined && { batchSize: numberOption('--batch', values.batch, { integer: true, min: 1 }, USAGE) }),
    ...(values.seed !== undefined && { seed: numberOption('--seed', values.seed, { integer: true, min: 0 }, USAGE) }),
    ...(values.optimizer !== undefined && { optimizer: values.optimizer as OptimizerName }),
    ...(values['no-cache'] && { featureCache: false }),
  };
  const inputSize = values.size === undefined ? undefined : numberOption('--size', values.size, { integer: true, min: 1 }, USAGE);

  const { archive, close } = await openDataset(values.data);
  try {
    const index = await scanDataset(archive);
    if (!index.report.task || index.report.ambiguous) throw new Error(describeUnusable(index, values.data));
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
