import { useShallow } from 'zustand/react/shallow';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../engine/train';
import { useStudio } from '../store';
import { hyperParams, INPUT_SIZES, taskNameOf, type HyperParams as Params } from '../training/hyperParams';

/** A labelled number field that only passes on finite values. */
function NumberField({ label, value, step, min, onChange, disabled }: {
  label: string;
  value: number;
  step?: number;
  min?: number;
  disabled: boolean;
  onChange(value: number): void;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        value={value}
        step={step ?? 1}
        min={min}
        disabled={disabled}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isFinite(v)) onChange(v);
        }}
      />
    </label>
  );
}

/** The run's hyper-parameters, the book's recipe for the dataset's task until the user changes them. */
export function HyperParams() {
  const { task, overrides, setHyper, inputSize, defaultSize, setInputSize, busy } = useStudio(
    useShallow((s) => ({
      task: s.datasetReport?.task ?? null,
      overrides: s.hyperOverrides,
      setHyper: s.setHyper,
      inputSize: s.modelConfig?.inputSize,
      defaultSize: s.catalog?.backbones.find((b) => b.name === s.modelConfig?.backbone)?.inputSize,
      setInputSize: s.setInputSize,
      busy: s.trainState === 'running' || s.trainState === 'paused' || s.modelStatus !== 'ready',
    })),
  );
  if (!task) return null;
  const p = hyperParams(taskNameOf(task), overrides);
  const set = (patch: Partial<Params>) => setHyper(patch);
  const size = inputSize ?? defaultSize;
  const sizes = [...new Set([...INPUT_SIZES, ...(defaultSize ? [defaultSize] : [])])].sort((a, b) => a - b);
  return (
    <fieldset className="hyper" aria-label="Hyper-parameters" disabled={busy}>
      <label className="field">
        <span>Input size</span>
        <select value={size ?? ''} onChange={(e) => void setInputSize(Number(e.target.value))}>
          {sizes.map((s) => (
            <option key={s} value={s}>
              {s}×{s}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Optimizer</span>
        <select value={p.optimizer} onChange={(e) => set({ optimizer: e.target.value as OptimizerName })}>
          {OPTIMIZER_NAMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <NumberField label="Learning rate" value={p.learningRate} step={1e-4} min={0} disabled={busy} onChange={(v) => set({ learningRate: v })} />
      <NumberField label="Batch size" value={p.batchSize} min={1} disabled={busy} onChange={(v) => set({ batchSize: Math.max(1, Math.round(v)) })} />
      <NumberField label="Epochs" value={p.epochs} min={1} disabled={busy} onChange={(v) => set({ epochs: Math.max(1, Math.round(v)) })} />
      <NumberField label="Seed" value={p.seed} disabled={busy} onChange={(v) => set({ seed: Math.round(v) })} />
      {Object.entries(p.lossWeights).map(([output, w]) => (
        <NumberField
          key={output}
          label={`Loss weight ${output}`}
          value={w}
          step={0.1}
          min={0}
          disabled={busy}
          onChange={(v) => set({ lossWeights: { ...p.lossWeights, [output]: v } })}
        />
      ))}
      <label className="field">
        <input type="checkbox" checked={p.featureCache} onChange={(e) => set({ featureCache: e.target.checked })} />
        <span>Feature cache</span>
      </label>
    </fieldset>
  );
}
