import { GENDER_NAMES } from '../../engine/data';
import type { Prediction } from '../../engine/tasks';
import type { PredictedFile } from '../../engine/train';

/** What the batch table can sort by. */
export type BatchSort = 'confidence' | 'error';

/** A prediction as table text: the class, the age and gender, or the number of points. */
export function predictionText(p: Prediction): string {
  switch (p.task) {
    case 'classification':
      return p.classes[p.label];
    case 'age-gender':
      return `${p.age.toFixed(1)} y · ${p.gender}`;
    case 'keypoints':
      return `${p.points.length} points`;
  }
}

/** A dataset item's label as table text, in the classes of the model; '' when it has none. */
export function truthText(row: PredictedFile): string {
  const t = row.truth;
  if (!t) return '';
  if (t.label !== undefined && row.prediction?.task === 'classification') return row.prediction.classes[t.label];
  if (t.age !== undefined) return `${+t.age.toFixed(1)} y · ${GENDER_NAMES[t.gender!]}`;
  if (t.points) return `${t.points.length / 2} points`;
  return '';
}

/** The rows sorted by `key`; rows without that value (failed images, no truth) go last, in path order. */
export function sortedRows(rows: PredictedFile[], { key, descending }: { key: BatchSort; descending: boolean }): PredictedFile[] {
  const value = (r: PredictedFile) => r[key];
  return [...rows].sort((a, b) => {
    const [va, vb] = [value(a), value(b)];
    if (va === undefined || vb === undefined) return va === vb ? (a.path < b.path ? -1 : 1) : va === undefined ? 1 : -1;
    return descending ? vb - va : va - vb;
  });
}

/** RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * The table as CSV (a header, then one line per row, in the order given): file, prediction, confidence, truth,
 * error, problem, and for classification one probability column per class; keypoints add x0,y0,… in pixels.
 */
export function batchCsv(rows: PredictedFile[]): string {
  const classes = rows.find((r) => r.prediction?.task === 'classification')?.prediction as Extract<Prediction, { task: 'classification' }> | undefined;
  const points = rows.find((r) => r.prediction?.task === 'keypoints')?.prediction as Extract<Prediction, { task: 'keypoints' }> | undefined;
  const extra = classes
    ? classes.classes.map((c) => `p_${c}`)
    : points
      ? points.points.flatMap((_, k) => [`x${k}`, `y${k}`])
      : [];
  const header = ['file', 'prediction', 'confidence', 'truth', 'error', 'problem', ...extra];
  const lines = rows.map((r) => {
    const p = r.prediction;
    const values = p?.task === 'classification' ? p.probs.map((v) => v.toFixed(6)) : p?.task === 'keypoints' ? p.points.flat().map((v) => v.toFixed(2)) : [];
    return [
      r.path,
      p ? predictionText(p) : '',
      r.confidence?.toFixed(6) ?? '',
      truthText(r),
      r.error?.toFixed(6) ?? '',
      r.problem ?? '',
      ...(p ? values : extra.map(() => '')),
    ].map(field).join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}
