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
import { parseCommandArgs, UsageError } from '../args';
import { useBackend } from '../nodeBackends';
import { loadWeightsOption } from '../weightsOption';
import { freezeOpsInOrder } from '../freezeOps';
import { formatWeightsInfo } from '../../engine/models';

const USAGE =
  'transfer-studio summary --backbone <' + BACKBONE_NAMES.join('|') + '> [--preset <' + PRESET_NAMES.join('|') +
  '>] [--classes N (multiclass)] [--input-size N] [--weights pretrained|random|FILE|URL] [--freeze PATH]... [--unfreeze PATH]... [--depth N] [--json]';

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
  const { values } = parseCommandArgs(
    argv,
    {
      backbone: { type: 'string' },
      preset: { type: 'string', default: 'original' },
      classes: { type: 'string' },
      'input-size': { type: 'string' },
      freeze: { type: 'string', multiple: true },
      unfreeze: { type: 'string', multiple: true },
      depth: { type: 'string' },
      weights: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    USAGE,
  );
  const backbone = values.backbone as BackboneName;
  const preset = values.preset as PresetName;
  if (!BACKBONE_NAMES.includes(backbone)) throw new UsageError(`unknown backbone '${values.backbone ?? ''}'\nusage: ${USAGE}`);
  if (!PRESET_NAMES.includes(preset)) throw new UsageError(`unknown preset '${values.preset}'\nusage: ${USAGE}`);
  await useBackend('cpu');
  const inputSize = values['input-size'] ? Number(values['input-size']) : undefined;
  const numClasses = values.classes === undefined ? undefined : Number(values.classes);
  if (preset === 'multiclass' && numClasses === undefined) throw new UsageError(`--preset multiclass needs --classes N\nusage: ${USAGE}`);
  const model = buildModel({ backbone, preset, numClasses, inputSize, freezeOps: freezeOpsInOrder(argv) });
  try {
    const weights = await loadWeightsOption(model, backboneSpec(backbone), values.weights);
    const summary = summarize(model);
    if (values.json) {
      // `pretrained` and `source` sit at the top level, next to the counts.
      process.stdout.write(JSON.stringify({ ...summary, ...weights }) + '\n');
    } else {
      const depth = values.depth === undefined ? Infinity : Number(values.depth);
      process.stdout.write(`${formatSummary(model.name, summary, depth)}\nWeights: ${formatWeightsInfo(weights)}\n`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}
