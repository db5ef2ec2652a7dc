import {
  BACKBONE_NAMES,
  PRESET_NAMES,
  backboneSpec,
  buildModel,
  formatModulePath,
  summarize,
  type BackboneName,
  type ModelSummary,
  type PresetName,
} from '../../engine/models';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { COMMON_OPTIONS, inputSizeOption } from '../commonOptions';
import { numberOption } from '../numberOption';
import { useBackend } from '../node/nodeBackends';
import { loadWeightsOption } from '../weightsOption';
import { freezeOpsInOrder } from '../freezeOps';
import { formatWeightsInfo } from '../../engine/models';

const OPTIONS = {
  backbone: { type: 'string', choices: BACKBONE_NAMES, required: true, help: 'the backbone' },
  preset: { type: 'string', choices: PRESET_NAMES, default: 'original', help: 'the head: the backbone\'s own, or a task\'s' },
  classes: { type: 'string', value: 'N', help: 'outputs of the multiclass head (needed with --preset multiclass)' },
  'input-size': COMMON_OPTIONS['input-size'],
  weights: COMMON_OPTIONS.weights,
  freeze: COMMON_OPTIONS.freeze,
  unfreeze: COMMON_OPTIONS.unfreeze,
  depth: { type: 'string', value: 'N', help: 'print modules down to this depth', defaultText: 'all' },
  json: { type: 'boolean', default: false, help: 'print the summary as JSON' },
} satisfies CommandOptions;
const USAGE = usageText('summary', OPTIONS);

const n = (v: number) => v.toLocaleString('en-US');

/** Keras' `model.summary()` layout, one row per module, indented by depth. */
export function formatSummary(title: string, s: ModelSummary, maxDepth = Infinity): string {
  const rows = s.modules.filter((m) => m.depth <= maxDepth);
  const cells = rows.map((m) => [
    `${'  '.repeat(m.depth)}${formatModulePath(m.path)} (${m.type})`,
    JSON.stringify(m.outputShape).replaceAll(',', ', '),
    n(m.params),
    n(m.trainableParams),
  ]);
  const head = ['Module (type)', 'Output shape', 'Param #', 'Trainable #'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  const width = widths.reduce((a, b) => a + b + 2, -2);
  return [
    `Model: "${title}"`,
    '_'.repeat(width),
    line(head),
    '='.repeat(width),
    ...cells.map(line),
    '='.repeat(width),
    `Total params: ${n(s.total)}`,
    `Trainable params: ${n(s.trainable)}`,
    `Non-trainable params: ${n(s.nonTrainable)}`,
    '_'.repeat(width),
  ].join('\n');
}

export async function summaryCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'summary', OPTIONS);
  const backbone = values.backbone as BackboneName;
  const preset = values.preset as PresetName;
  const inputSize = values['input-size'] === undefined ? undefined : inputSizeOption(values['input-size'], USAGE);
  const numClasses = values.classes === undefined ? undefined : numberOption('--classes', values.classes, { integer: true, min: 2 }, USAGE);
  const depth = values.depth === undefined ? Infinity : numberOption('--depth', values.depth, { integer: true, min: 0 }, USAGE);
  await useBackend('cpu');
  if (preset === 'multiclass' && numClasses === undefined) throw new UsageError(`--preset multiclass needs --classes N\nusage: ${USAGE}`);
  const model = buildModel({ backbone, preset, numClasses, inputSize, freezeOps: freezeOpsInOrder(argv) });
  try {
    const weights = await loadWeightsOption(model, backboneSpec(backbone), values.weights);
    const summary = summarize(model);
    if (values.json) {
      // `pretrained` and `source` sit at the top level, next to the counts.
      process.stdout.write(JSON.stringify({ ...summary, ...weights }) + '\n');
    } else {
      process.stdout.write(`${formatSummary(model.name, summary, depth)}\nWeights: ${formatWeightsInfo(weights)}\n`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}
