import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AUGMENT_DEFAULTS, FINE_TUNE_DEFAULTS, SCHEDULE_NAMES, type AugmentOptions, type FineTuneOptions as FineTune, type ScheduleName } from '../../engine/train';
import { formatModulePath } from '../../engine/models';
import { useStudio } from '../store';
import { unfreezeChoices } from '../training/unfreezeChoices';
import { hyperParams } from '../training/hyperParams';

/** The schedules as the select names them. */
const SCHEDULE_TEXT: Record<ScheduleName, string> = { constant: 'constant', 'one-cycle': 'one-cycle', cosine: 'cosine with warm-up' };

/**
 * fastai's recipe beyond a frozen head, as the CLI's `train --fine-tune …` flags set it: the schedule, fine_tune
 * (head-phase epochs, where the trunk unfreezes from, the rate ratio, BatchNorm) and augmentation with a
 * strength. Each field is a `TrainConfig` field (`schedule`, `fineTune`, `augment`), kept in the Train panel's
 * choices like the other hyper-parameters.
 */
export function FineTuneOptions() {
  const { hasTask, schedule, fineTune, augment, setHyper, busy, tree, headModules } = useStudio(
    useShallow((s) => ({
      hasTask: !!s.datasetReport?.task,
      schedule: s.hyperOverrides.schedule ?? 'constant',
      // What the run would do: the user's choice, else the proposal's (the classification recipe fine-tunes).
      fineTune: s.proposal ? hyperParams(s.proposal.hyper, s.hyperOverrides).fineTune : s.hyperOverrides.fineTune ?? undefined,
      augment: s.hyperOverrides.augment,
      setHyper: s.setHyper,
      busy: s.trainState === 'running' || s.trainState === 'paused' || s.modelStatus !== 'ready',
      tree: s.modelView?.tree,
      headModules: s.catalog?.backbones.find((b) => b.name === s.modelConfig?.backbone)?.headModules,
    })),
  );
  const modules = useMemo(() => (tree && headModules ? unfreezeChoices(tree, headModules) : []), [tree, headModules]);
  const tune = (patch: Partial<FineTune>) => setHyper({ fineTune: { ...FINE_TUNE_DEFAULTS, ...fineTune, ...patch } });
  const augmentWith = (patch: Partial<AugmentOptions>) => setHyper({ augment: { ...augment, ...patch } });
  if (!hasTask) return null;
  return (
    <fieldset className="hyper fine-tune" aria-label="Fine-tuning" disabled={busy}>
      <label className="field">
        <span>Schedule</span>
        <select value={schedule} onChange={(e) => setHyper({ schedule: e.target.value as ScheduleName })}>
          {SCHEDULE_NAMES.map((name) => (
            <option key={name} value={name}>
              {SCHEDULE_TEXT[name]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <input type="checkbox" checked={!!fineTune} onChange={(e) => setHyper({ fineTune: e.target.checked ? { ...FINE_TUNE_DEFAULTS } : null })} />
        <span>Fine-tune</span>
      </label>
      {fineTune ? (
        <>
          <label className="field" title="Epochs of the head-only phase on the frozen trunk (train --freeze-epochs); Epochs counts both phases.">
            <span>Freeze epochs</span>
            <input
              type="number"
              min={0}
              step={1}
              value={fineTune.freezeEpochs}
              onChange={(e) => Number.isFinite(e.target.valueAsNumber) && tune({ freezeEpochs: Math.max(0, Math.round(e.target.valueAsNumber)) })}
            />
          </label>
          <label className="field">
            <span>Unfreeze from</span>
            <select value={fineTune.unfreezeFrom ?? ''} onChange={(e) => tune({ unfreezeFrom: e.target.value || undefined })}>
              <option value="">the whole trunk</option>
              {modules.map((path) => (
                <option key={path} value={path}>
                  {formatModulePath(path)}
                </option>
              ))}
            </select>
          </label>
          <label className="field" title="The head trains at the learning rate, the first unfrozen group at lr / this ratio, the groups between spread geometrically (fastai's slice(lr/100, lr) is 100).">
            <span>Rate ratio head / trunk</span>
            <input
              type="number"
              min={1}
              step={10}
              value={fineTune.lrRatio ?? FINE_TUNE_DEFAULTS.lrRatio}
              onChange={(e) => Number.isFinite(e.target.valueAsNumber) && tune({ lrRatio: Math.max(1, e.target.valueAsNumber) })}
            />
          </label>
          <label className="field">
            <input type="checkbox" checked={!!fineTune.trainBn} onChange={(e) => tune({ trainBn: e.target.checked })} />
            <span>Train BatchNorm</span>
          </label>
        </>
      ) : null}
      <label className="field">
        <input type="checkbox" checked={!!augment} onChange={(e) => setHyper({ augment: e.target.checked ? {} : undefined })} />
        <span>Augment</span>
      </label>
      {augment ? (
        <label className="field" title="Flip, random crop, rotation and colour jitter; the strength scales all but the flip (no feature cache while augmenting).">
          <span>Strength</span>
          <input
            type="range"
            min={0}
            max={2}
            step={0.25}
            value={augment.strength ?? AUGMENT_DEFAULTS.strength}
            onChange={(e) => augmentWith({ strength: Number(e.target.value) })}
          />
          <output>{(augment.strength ?? AUGMENT_DEFAULTS.strength).toFixed(2)}</output>
        </label>
      ) : null}
    </fieldset>
  );
}
