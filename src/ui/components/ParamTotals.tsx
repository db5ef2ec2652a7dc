import { useShallow } from 'zustand/react/shallow';
import { formatCount } from '../formatCount';
import { useStudio } from '../store';

/** The model's parameter counts, as Keras' summary ends, live as modules are toggled. */
export function ParamTotals() {
  const view = useStudio(useShallow((s) => s.modelView && { total: s.modelView.total, trainable: s.modelView.trainable, nonTrainable: s.modelView.nonTrainable }));
  const rows: [string, string, number | undefined][] = [
    ['Total params', 'param-total', view?.total],
    ['Trainable params', 'param-trainable', view?.trainable],
    ['Non-trainable params', 'param-nontrainable', view?.nonTrainable],
  ];
  return (
    <dl className="totals">
      {rows.map(([label, testId, value]) => (
        <div key={testId} className={`total ${testId}`}>
          <dt>{label}</dt>
          <dd data-testid={testId}>{value === undefined ? '—' : formatCount(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
