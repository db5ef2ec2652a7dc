import { useShallow } from 'zustand/react/shallow';
import { LAYOUT_NAMES, type DatasetReport, type LayoutName } from '../../engine/data';
import { classWeightsOf } from '../../engine/tasks/classWeights';
import { useStudio } from '../store';

const LAYOUT_TITLES: Record<LayoutName, string> = {
  imagefolder: 'Image folders',
  'keypoints-csv': 'Keypoints CSV',
  'age-gender-csv': 'Age + gender CSV',
  utkface: 'UTKFace names',
};

function what(r: DatasetReport): string {
  if (r.task === 'binary' || r.task === 'multiclass') return `${r.classes!.length} classes (${r.task})`;
  if (r.task === 'keypoints') return `${r.points} keypoints per image`;
  if (r.task === 'age-gender') return 'age (years) + gender';
  return 'no usable images';
}

/** Layout, task, splits and image sizes of the open dataset; asks for the layout when detection is ambiguous. */
export function DatasetSummary() {
  const { report, chooseLayout } = useStudio(useShallow((s) => ({ report: s.datasetReport, chooseLayout: s.chooseLayout })));
  if (!report) return null;
  return (
    <div className="dataset-summary" data-testid="dataset-summary">
      <div>
        <strong data-testid="dataset-layout">{report.layout ? LAYOUT_TITLES[report.layout] : 'No dataset found'}</strong>
        <span className="muted"> · {what(report)}</span>
      </div>
      <ul className="split-counts">
        {Object.entries(report.splits).map(([name, s]) => (
          <li key={name} data-testid={`split-${name}`}>
            {name}: <strong>{s.count}</strong>
          </li>
        ))}
      </ul>
      {report.imageSize ? (
        <div className="muted">
          images {report.imageSize.minWidth}–{report.imageSize.maxWidth} × {report.imageSize.minHeight}–
          {report.imageSize.maxHeight} px · {report.skipped} skipped · {report.ignored} other files ignored
        </div>
      ) : null}
      <ClassWeights report={report} />
      {report.candidates.length > 1 ? (
        <label className="field" data-testid="layout-choice">
          <span>{report.ambiguous ? 'This zip fits more than one layout — read it as' : 'Read as'}</span>
          <select value={report.layout ?? ''} onChange={(e) => void chooseLayout(e.target.value as LayoutName)}>
            {LAYOUT_NAMES.filter((l) => report.candidates.includes(l)).map((l) => (
              <option key={l} value={l}>
                {LAYOUT_TITLES[l]}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

/** Uneven classes: the loss weight each class gets (the engine's rule, so the line says what training does). */
function ClassWeights({ report }: { report: DatasetReport }) {
  const weights = classWeightsOf(report);
  if (!weights) return null;
  return (
    <div className="muted" data-testid="class-weights" title="n / (classes × images of the class), so each class counts the same in the loss">
      Uneven classes: the loss weighs {report.classes!.map((c, i) => `${c} ×${weights[i].toFixed(2)}`).join(' · ')}
    </div>
  );
}
