import { printable, scanDataset, splitDataset, splitRole, SPLIT_ROLES, type DatasetItem } from '../../engine/data';
import { taskFor, TASKS } from '../../engine/tasks';
import { cropFaces, evaluate, type TtaName } from '../../engine/train';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { formatProblems } from '../inspect';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { numberOption } from '../numberOption';
import { openDataset } from '../node/openDataset';
import { sharpDecoder } from '../node/sharpDecoder';
import { loadScoringModel, SCORING_MODEL_OPTION } from '../scoringModel';
import { faceDetectorFor } from '../nodeFaceDetector';

/** What `--split` takes: a split name the layouts use (`training`, `valid`…, as `inspect` prints them) or `all`. */
const SPLIT_NAMES = [...Object.keys(SPLIT_ROLES), 'all'];

const OPTIONS = {
  model: SCORING_MODEL_OPTION,
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'a dataset of the same task: a zip or a folder' },
  split: {
    type: 'string',
    value: `<${SPLIT_NAMES.join('|')}>`,
    help: 'which images, by the split names the layouts use (any case): train/training are what train trained on, val/valid/validation what it validated on',
    defaultText: 'test, or val when there is no test split',
  },
  batch: { type: 'string', value: 'N', default: '32', help: 'images per batch' },
  tta: COMMON_OPTIONS.tta,
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;
const USAGE = usageText('evaluate', OPTIONS);

/**
 * Prints one JSON line, `{"task", "n", ...metrics}`, of a saved model on a dataset of the same task. The split
 * defaults to test, or val when the data has no test split (a seeded 20% of train, as `train` made it).
 */
export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'evaluate', OPTIONS);
  const split = values.split === undefined ? undefined : values.split.toLowerCase() === 'all' ? 'all' : splitRole(values.split);
  if (values.split !== undefined && !split) throw new UsageError(`unknown split '${values.split}' (split names: ${SPLIT_NAMES.join(', ')})\nusage: ${USAGE}`);
  const batchSize = numberOption('--batch', values.batch, { integer: true, min: 1 }, USAGE);
  await useBackend(values.backend as NodeBackend);
  // Loaded first: a --model that is no model is named before the data is read.
  const { model, meta, dispose } = await loadScoringModel(values.model);
  try {
    const { archive, close } = await openDataset(values.data);
    try {
      const index = await scanDataset(archive, { decoder: sharpDecoder });
      const { report } = index;
      if (!report.task) throw new Error(`${values.data}: no dataset layout was recognized`);
      if (report.problems.length) process.stderr.write(`${archive.name}: ${formatProblems(report).join('\n')}\n`);
      const task = TASKS[meta.task];
      if (taskFor(report.task) !== task) {
        throw new Error(`${values.data} holds '${report.task}' data; the model was trained for '${task.name}'`);
      }
      const splits = splitDataset(index);
      const choice = split ?? (splits.test.length ? 'test' : 'val');
      let items: DatasetItem[] = choice === 'all' ? index.items : splits[choice];
      if (items.length === 0) {
        throw new Error(`${values.data} has no ${choice} images (its splits: ${Object.keys(report.splits).join(', ') || 'none'})`);
      }
      if (meta.ctx.classes && report.classes && meta.ctx.classes.join('\n') !== report.classes.join('\n')) {
        throw new Error(`the model's classes are [${meta.ctx.classes.map(printable).join(', ')}]; ${values.data} has [${report.classes.map(printable).join(', ')}]`);
      }
      // A model that takes face crops is scored on the crops BlazeFace gives, as it was trained.
      const faceCrop = meta.model?.faceCrop;
      const detector = await faceDetectorFor(faceCrop);
      if (faceCrop && detector) {
        const cropped = await cropFaces(items, { archive, decoder: sharpDecoder, detector, spec: faceCrop });
        for (const p of cropped.problems) process.stderr.write(`${printable(p.file)}: ${p.reason}\n`);
        items = cropped.items;
      }
      const e = await evaluate(model, task, meta.ctx, archive, items, {
        decoder: sharpDecoder,
        inputSize: meta.inputSize,
        preprocessing: meta.preprocessing,
        batchSize,
        tta: values.tta as TtaName,
      });
      process.stdout.write(JSON.stringify({ task: task.name, n: e.n, ...e.metrics }) + '\n');
    } finally {
      await close();
    }
  } finally {
    await dispose();
  }
  return 0;
}
