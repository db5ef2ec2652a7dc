import { inspectJson, LAYOUT_NAMES, printable, scanDataset, type DatasetReport, type LayoutName } from '../engine/data';
import { classWeightsOf } from '../engine/tasks';
import { parseCommandArgs, type CommandOptions } from './args';
import { openDataset } from './node/openDataset';
import { sharpDecoder } from './node/sharpDecoder';

const OPTIONS = {
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'the dataset: a zip or a folder' },
  layout: { type: 'string', choices: LAYOUT_NAMES, help: 'read it as this layout', defaultText: 'the detected one' },
  json: { type: 'boolean', default: false, help: 'print the report as JSON' },
} satisfies CommandOptions;

/**
 * `transfer-studio inspect`: reads a dataset zip (or folder) with the same engine as the studio, decodes every
 * image once, and prints the layout, counts per split and class (or point count) and the problems list.
 * Exit status 0 when a dataset was found, 1 when none was.
 */
export async function inspectCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, 'inspect', OPTIONS);
  const { archive, close } = await openDataset(values.data);
  let report: DatasetReport;
  try {
    ({ report } = await scanDataset(archive, { decoder: sharpDecoder, layout: values.layout as LayoutName | undefined }));
  } finally {
    await close();
  }
  process.stdout.write(values.json ? JSON.stringify(inspectJson(report), null, 2) + '\n' : formatReport(report));
  return report.layout ? 0 : 1;
}

/** The report as text: layout, a table of counts per split, image sizes, problems. */
export function formatReport(r: DatasetReport): string {
  const lines: string[] = [];
  const what =
    r.task === 'binary' || r.task === 'multiclass'
      ? `${r.task}: ${r.classes!.map(printable).join(', ')}`
      : r.task === 'keypoints'
        ? `${r.points} keypoints`
        : r.task ?? 'nothing usable';
  lines.push(`${printable(r.name)}: ${r.layout ?? 'no dataset'} (${what})`);
  if (r.ambiguous) lines.push(`  also fits: ${r.candidates.slice(1).join(', ')} (choose with --layout)`);
  const columns = r.classes?.map(printable) ?? (r.task === 'age-gender' ? ['Male', 'Female', 'ages'] : []);
  const rows = Object.entries(r.splits).map(([name, s]) => [
    printable(name),
    String(s.count),
    ...(r.classes
      ? r.classes.map((c) => String(s.classes?.[c] ?? 0))
      : r.task === 'age-gender'
        ? [String(s.genders?.Male ?? 0), String(s.genders?.Female ?? 0), s.ages ? `${s.ages.min}–${s.ages.max}` : '']
        : []),
  ]);
  if (rows.length) {
    const head = ['split', 'count', ...columns];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (c: string[]) => '  ' + c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
    lines.push(line(head), ...rows.map(line));
  }
  const weights = classWeightsOf(r);
  if (weights) lines.push(`uneven classes: the loss weighs them ${formatClassWeights(r.classes!, weights)} (n / (classes · n_class))`);
  if (r.imageSize) {
    const { minWidth, maxWidth, minHeight, maxHeight } = r.imageSize;
    lines.push(`images: ${minWidth}–${maxWidth} px wide, ${minHeight}–${maxHeight} px high`);
  }
  lines.push(...formatProblems(r));
  return lines.join('\n') + '\n';
}

/** `cats 0.63, dogs 2.50`: the class loss weights of an uneven dataset, as `inspect` and `train` print them. */
export function formatClassWeights(classes: string[], weights: number[]): string {
  return classes.map((c, i) => `${printable(c)} ${weights[i].toFixed(2)}`).join(', ');
}

/** The skipped count and the problems list, one line each: what `inspect` ends with, and `train` / `evaluate` print. */
export function formatProblems(r: DatasetReport): string[] {
  return [
    `${r.skipped} skipped, ${r.ignored} other files ignored`,
    r.problems.length ? `problems (${r.problems.length}):` : 'problems: none',
    ...r.problems.map((p) => `  ${printable(p.file)}${p.row !== undefined ? `:${p.row}` : ''}: ${printable(p.reason)}`),
  ];
}
