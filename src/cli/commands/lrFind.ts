import * as tf from '@tensorflow/tfjs';
import { BACKBONE_NAMES } from '../../engine/models';
import { DEFAULT_BACKBONE, LR_FIND_DEFAULTS, OPTIMIZER_NAMES, cropFaces, lrFind, planTraining, type TrunkEngineChoice } from '../../engine/train';
import { faceDetectorFor } from '../nodeFaceDetector';
import { TASK_NAMES } from '../../engine/tasks';
import { parseCommandArgs, usageText, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { numberOption } from '../numberOption';
import { sharpDecoder } from '../node/sharpDecoder';
import { buildWithWeights, modelChoicesFrom, openForTraining } from '../trainingSetup';
import { TRUNK_ENGINE_OPTION, trunkRunnerFor } from '../trunkEngineOption';

const OPTIONS = {
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'the dataset: a zip or a folder' },
  backbone: { type: 'string', choices: BACKBONE_NAMES, help: 'the pretrained network to start from', defaultText: TASK_NAMES.map((t) => `${DEFAULT_BACKBONE[t]} for ${t}`).join(', ') },
  'input-size': COMMON_OPTIONS['input-size'],
  batch: { type: 'string', value: 'N', help: 'images per step', defaultText: "train's proposed batch" },
  optimizer: { type: 'string', choices: OPTIMIZER_NAMES, help: 'the optimizer', defaultText: "train's proposed one" },
  start: { type: 'string', value: 'X', help: 'first learning rate of the sweep', defaultText: String(LR_FIND_DEFAULTS.start) },
  end: { type: 'string', value: 'X', help: 'last learning rate of the sweep', defaultText: String(LR_FIND_DEFAULTS.end) },
  steps: { type: 'string', value: 'N', help: 'steps of the sweep (it stops early when the loss blows up)', defaultText: String(LR_FIND_DEFAULTS.steps) },
  freeze: COMMON_OPTIONS.freeze,
  unfreeze: COMMON_OPTIONS.unfreeze,
  weights: COMMON_OPTIONS.weights,
  'no-cache': { type: 'boolean', default: false, help: 'run the frozen prefix every step instead of caching its features' },
  ...TRUNK_ENGINE_OPTION,
  'face-crop': COMMON_OPTIONS['face-crop'],
  'no-face-crop': COMMON_OPTIONS['no-face-crop'],
  json: { type: 'boolean', default: false, help: 'print one JSON object {"lrs", "losses", "suggestion", "steep", "valley"} instead of the table' },
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;
const USAGE = usageText('lr-find', OPTIONS);

/**
 * `lr-find`: fastai's learning-rate finder on the model `train` would train with the same flags. Prints a table of
 * (lr, smoothed loss) and, last, one JSON line with the suggestion (fastai's valley) and the steepest descent; with
 * `--json`, one JSON object instead. The rate to pass to `train --lr`.
 */
export async function lrFindCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'lr-find', OPTIONS);
  const positive = (flag: string, v: string) => numberOption(flag, v, { min: Number.MIN_VALUE }, USAGE);
  const choices = modelChoicesFrom(values, argv, USAGE);
  const sweep = {
    ...(values.start !== undefined && { start: positive('--start', values.start) }),
    ...(values.end !== undefined && { end: positive('--end', values.end) }),
    ...(values.steps !== undefined && { steps: numberOption('--steps', values.steps, { integer: true, min: 2 }, USAGE) }),
  };
  const { archive, splits, index, close } = await openForTraining(values.data);
  try {
    const config = planTraining(index.report, choices, splits.train.length);
    await useBackend(values.backend as NodeBackend);
    const { model, weights } = await buildWithWeights(config.model, values.weights);
    try {
      const modelConfig = { ...config.model, weights: weights.pretrained ? ('pretrained' as const) : ('random' as const) };
      process.stderr.write(
        `${archive.name}: ${config.task}, train ${splits.train.length}; ${model.name} at ${config.model.inputSize}² on ${tf.getBackend()}; ${config.optimizer}, batch ${config.batchSize}${config.model.faceCrop ? '; on face crops (BlazeFace)' : ''}\n`,
      );
      // The sweep sees what training would: each image's face crop when the model takes them.
      const detector = await faceDetectorFor(config.model.faceCrop);
      const train = detector ? (await cropFaces(splits.train, { archive, decoder: sharpDecoder, detector, spec: config.model.faceCrop! })).items : splits.train;
      const table = !values.json;
      if (table) process.stdout.write(`${'lr'.padStart(10)}  ${'loss'.padStart(8)}  ${'raw'.padStart(8)}\n`);
      const result = await lrFind(
        model,
        { archive, decoder: sharpDecoder, splits: { train, val: [] } },
        { ...config, model: modelConfig },
        {
          ...sweep,
          trunkRunner: trunkRunnerFor(values['trunk-engine'] as TrunkEngineChoice, (line) => process.stderr.write(`${line}\n`)),
          onPoint: (p) => table && process.stdout.write(`${p.lr.toExponential(2).padStart(10)}  ${p.loss.toFixed(4).padStart(8)}  ${p.raw.toFixed(4).padStart(8)}\n`),
        },
      );
      const { suggestion, steep, valley, ended, trunk } = result;
      const out = values.json
        ? { lrs: result.points.map((p) => p.lr), losses: result.points.map((p) => p.loss), suggestion, steep, valley, ended, trunk }
        : { suggestion, steep, valley, ended, steps: result.points.length, trunk };
      process.stdout.write(JSON.stringify(out) + '\n');
    } finally {
      model.dispose();
    }
  } finally {
    await close();
  }
  return 0;
}
