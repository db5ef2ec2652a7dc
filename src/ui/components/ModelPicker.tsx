import { useShallow } from 'zustand/react/shallow';
import type { BackboneName, PresetName } from '../../engine/models';
import { useStudio } from '../store';

/** The model's input size, as the Train panel's Input size field shows it. */
function InputSize({ size }: { size: number }) {
  return (
    <span className="muted" data-testid="model-input-size">
      input {size}×{size}
    </span>
  );
}

/** Backbone and preset (head) selects; a change rebuilds the model with the preset's freezing. */
export function ModelPicker() {
  const { catalog, config, switchModel, datasetClasses, proposedSize, taskDefault, busy } = useStudio(
    useShallow((s) => ({
      catalog: s.catalog,
      config: s.modelConfig,
      switchModel: s.switchModel,
      datasetClasses: s.datasetReport?.classes?.length,
      proposedSize: s.proposal?.inputSize,
      taskDefault: s.taskDefault,
      busy: s.modelStatus !== 'ready' || s.trainState === 'running' || s.trainState === 'paused',
    })),
  );
  // A multiclass head needs a class count: the dataset's when one is loaded, else 3 to show the head's shape.
  const shapeOf = (preset: PresetName) =>
    preset === 'multiclass' ? { numClasses: config?.numClasses ?? datasetClasses ?? 3 } : {};
  const backbone = catalog?.backbones.find((b) => b.name === config?.backbone);
  const presets = backbone?.presets ?? catalog?.presets ?? [];
  const onBackbone = (name: BackboneName) => {
    const offered = catalog?.backbones.find((b) => b.name === name)?.presets ?? [];
    const preset = config && offered.includes(config.preset) ? config.preset : (offered.find((p) => p !== 'original') ?? offered[0]);
    if (preset) void switchModel(name, preset, shapeOf(preset));
  };
  return (
    <div className="picker">
      <label className="field">
        <span>Backbone</span>
        <select
          value={config?.backbone ?? ''}
          disabled={!catalog}
          onChange={(e) => onBackbone(e.target.value as BackboneName)}
        >
          {catalog?.backbones.map((b) => (
            <option key={b.name} value={b.name}>
              {b.title}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Preset</span>
        <select
          value={config?.preset ?? ''}
          disabled={!catalog || !config}
          onChange={(e) => {
            const preset = e.target.value as PresetName;
            if (config) void switchModel(config.backbone, preset, shapeOf(preset));
          }}
        >
          {presets.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {backbone ? <InputSize size={config?.inputSize ?? proposedSize ?? backbone.inputSize} /> : null}
      {taskDefault && config && taskDefault.backbone !== config.backbone ? (
        <span className="muted" data-testid="task-backbone-hint">
          This task's proposed backbone is {taskDefault.backbone}.{' '}
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              const { backbone: name, preset, ...shape } = taskDefault;
              void switchModel(name, preset, shape);
            }}
          >
            Use {taskDefault.backbone}
          </button>
        </span>
      ) : null}
    </div>
  );
}
