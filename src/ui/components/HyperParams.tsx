import { useShallow } from 'zustand/react/shallow';
import { MIN_STEPS, OPTIMIZER_NAMES, type OptimizerName } from '../../engine/train';
import type { TrunkEngineChoice } from '../../engine/train/trunkRunner';
import { useStudio } from '../store';
import { hyperParams, INPUT_SIZES, type HyperParams as Params } from '../training/hyperParams';

/** A labelled number field that only passes on finite values; `edited` marks a value the user changed. */
function NumberField({ label, value, step, min, onChange, disabled, edited }: {
  label: string;
  value: number;
  step?: number;
  min?: number;
  disabled: boolean;
  edited: boolean;
  onChange(value: number): void;
}) {
  return (
    <label className={edited ? 'field edited' : 'field'} title={edited ? 'edited (Reset to proposed takes it back)' : 'proposed'}>
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

/** The trunk engine's choices, in the CLI flag's words (`--trunk-engine tfjs|onnx|auto`), the default first. */
const TRUNK_ENGINES: TrunkEngineChoice[] = ['auto', 'tfjs', 'onnx'];

/** The run's hyper-parameters: what the plan proposes for the dataset and backbone, with the user's edits kept. */
export function HyperParams() {
  const { proposal, overrides, setHyper, resetHyper, inputSize, defaultSize, setInputSize, busy, trunkEngine, setTrunkEngine } = useStudio(
    useShallow((s) => ({
      trunkEngine: s.trunkEngine,
      setTrunkEngine: s.setTrunkEngine,
      proposal: s.proposal,
      overrides: s.hyperOverrides,
      setHyper: s.setHyper,
      resetHyper: s.resetHyper,
      inputSize: s.modelConfig?.inputSize,
      defaultSize: s.catalog?.backbones.find((b) => b.name === s.modelConfig?.backbone)?.inputSize,
      setInputSize: s.setInputSize,
      busy: s.trainState === 'running' || s.trainState === 'paused' || s.modelStatus !== 'ready',
    })),
  );
  if (!proposal) return null;
  const p = hyperParams(proposal.hyper, overrides);
  const set = (patch: Partial<Params>) => setHyper(patch);
  const edited = (key: keyof Params) => overrides[key] !== undefined;
  const size = inputSize ?? proposal.inputSize ?? defaultSize;
  const steps = Math.ceil(proposal.trainImages / p.batchSize);
  const anyEdit = Object.keys(overrides).length > 0 || size !== proposal.inputSize;
  const sizes = [...new Set([...INPUT_SIZES, proposal.inputSize, ...(defaultSize ? [defaultSize] : []), ...(size ? [size] : [])])].sort((a, b) => a - b);
  return (
    <fieldset className="hyper" aria-label="Hyper-parameters" disabled={busy}>
      <label className={size !== proposal.inputSize ? 'field edited' : 'field'}>
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
      <NumberField label="Learning rate" edited={edited('learningRate')} value={p.learningRate} step={1e-4} min={0} disabled={busy} onChange={(v) => set({ learningRate: v })} />
      <NumberField label="Batch size" edited={edited('batchSize')} value={p.batchSize} min={1} disabled={busy} onChange={(v) => set({ batchSize: Math.max(1, Math.round(v)) })} />
      <NumberField label="Epochs" edited={edited('epochs')} value={p.epochs} min={1} disabled={busy} onChange={(v) => set({ epochs: Math.max(1, Math.round(v)) })} />
      <NumberField label="Seed" edited={edited('seed')} value={p.seed} disabled={busy} onChange={(v) => set({ seed: Math.round(v) })} />
      {Object.entries(p.lossWeights).map(([output, w]) => (
        <NumberField
          key={output}
          label={`Loss weight ${output}`}
          edited={overrides.lossWeights?.[output] !== undefined}
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
      <label className="field" title="Who runs the frozen trunk that fills the feature cache; auto: whichever measured faster for this backbone in Chromium">
        <span>Trunk engine</span>
        <select value={trunkEngine} disabled={!p.featureCache} onChange={(e) => setTrunkEngine(e.target.value as TrunkEngineChoice)}>
          {TRUNK_ENGINES.map((engine) => (
            <option key={engine} value={engine}>
              {engine}
            </option>
          ))}
        </select>
      </label>
      <p className="muted hyper-note" data-testid="batch-rule">
        {steps} steps an epoch ({proposal.trainImages} train images, batch {p.batchSize}); the proposed batch is the
        largest (2 at least) that keeps {MIN_STEPS} steps an epoch.
      </p>
      <button type="button" disabled={!anyEdit} onClick={() => void resetHyper()}>
        Reset to proposed
      </button>
    </fieldset>
  );
}
