import * as tf from '@tensorflow/tfjs';
import { BACKBONE_NAMES, PRESET_NAMES, backboneSpec, buildModel, formatWeightsInfo, type BackboneName, type ModelConfig } from '../../engine/models';
import { scanDataset, DEFAULT_SPLIT_OPTIONS } from '../../engine/data';
import { restartBackend } from '../../engine/backend';
import { OPTIMIZER_NAMES, planTraining, runTraining, trainingSplits, type OptimizerName, type TrainEvent, type TrainingChoices } from '../../engine/train';
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
  const choices: TrainingChoices = {
    ...(values.backbone !== undefined && { backbone: values.backbone as BackboneName }),
    ...(values.size !== undefined && { inputSize: numberOption('--size', values.size, { integer: true, min: 1 }, USAGE) }),
    freezeOps: freezeOpsInOrder(argv),
    ...(values.weights === 'random' && { weights: 'random' as const }),
    ...(values.epochs !== undefined && { epochs: numberOption('--epochs', values.epochs, { integer: true, min: 1 }, USAGE) }),
    ...(values.lr !== undefined && { learningRate: numberOption('--lr', values.lr, { min: Number.MIN_VALUE }, USAGE) }),
    ...(values.batch !== undefined && { batchSize: numberOption('--batch', values.batch, { integer: true, min: 1 }, USAGE) }),
    ...(values.seed !== undefined && { seed: numberOption('--seed', values.seed, { integer: true, min: 0 }, USAGE) }),
    ...(values.optimizer !== undefined && { optimizer: values.optimizer as OptimizerName }),
    ...(values['no-cache'] && { featureCache: false }),
  };

  const { archive, close } = await openDataset(values.data);
  try {
    const index = await scanDataset(archive);
    const splits = trainingSplits(index);
    const config = planTraining(index.report, choices, splits.train.length);
    if (values.preset !== undefined && values.preset !== config.model.preset) {
      throw usage(`--preset ${values.preset} does not fit ${archive.name}: it holds '${index.report.task}' data, which trains the '${config.model.preset}' preset`);
    }
    const spec = backboneSpec(config.model.backbone);
    await useBackend(values.backend as NodeBackend);
    const build = async () => {
      const model = buildModel(config.model);
      return { model, weights: await loadWeightsOption(model, spec, values.weights) };
    };
    const first = await build();
    // What was loaded, not what was asked for: bundled weights that cannot be read leave random init.
    const modelConfig: ModelConfig = { ...config.model, weights: first.weights.pretrained ? 'pretrained' : 'random' };
    let model = first.model;
    try {
      process.stderr.write(
        `${archive.name}: ${config.task}, train ${splits.train.length}, val ${splits.val.length}` +
          `${splits.valFrom === 'train' ? ` (seeded ${Math.round(DEFAULT_SPLIT_OPTIONS.valFraction * 100)}% of train)` : ''}` +
          `${splits.test.length ? `, test ${splits.test.length}` : ''}; ${model.name} at ${modelConfig.inputSize}² on ${tf.getBackend()}; ` +
          `${config.optimizer} lr ${config.learningRate}, batch ${config.batchSize}, ${config.epochs} epochs; weights: ${formatWeightsInfo(first.weights)}\n`,
      );
      const writer = reportWriter(process.stdout);
      const onEvent = (e: TrainEvent) => {
        if (e.type === 'record') writer.record(e.line);
        else if (e.type === 'epoch') writer.line(run.report.epochLine(e.epoch));
        else if (e.type === 'notice') process.stderr.write(`${e.message}\n`);
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
        save: values.out ? (files) => writeModelDir(values.out!, files) : undefined,
      });
      const outcome = await run.done;
      model = outcome.model;
      const { fit, test } = outcome;
      if (fit.cache) process.stderr.write(`feature cache: ${fit.cache.images} images in ${fit.cache.seconds.toFixed(1)} s\n`);
      if (values.out) process.stderr.write(`saved to ${values.out}\n`);
      const summary = {
        task: config.task,
        model: model.name,
        bestEpoch: fit.bestEpoch,
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
