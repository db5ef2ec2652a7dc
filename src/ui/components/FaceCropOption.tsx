import { useShallow } from 'zustand/react/shallow';
import { FACE_CROP } from '../../engine/data';
import { useStudio } from '../store';
import { hyperParams, offersFaceCrop } from '../training/hyperParams';

/**
 * The face crop (`ModelConfig.faceCrop`, the CLI's `--face-crop` / `--no-face-crop`): on a keypoints or age-gender
 * dataset, train and predict on the square around each face BlazeFace finds instead of the whole image. On when the
 * proposal has it; the choice goes with the Train panel's other choices (Reset to proposed takes it back).
 */
export function FaceCropOption() {
  const { offered, on, edited, setHyper, busy } = useStudio(
    useShallow((s) => ({
      offered: offersFaceCrop(s.datasetReport?.task),
      on: !!(s.proposal ? hyperParams(s.proposal.hyper, s.hyperOverrides).faceCrop : s.hyperOverrides.faceCrop),
      edited: s.hyperOverrides.faceCrop !== undefined,
      setHyper: s.setHyper,
      busy: s.trainState === 'running' || s.trainState === 'paused' || s.modelStatus !== 'ready',
    })),
  );
  if (!offered) return null;
  return (
    <fieldset className="hyper face-crop" aria-label="Face crop" disabled={busy}>
      <label className={edited ? 'field edited' : 'field'} title="Train and predict on the square around each face BlazeFace finds">
        <input type="checkbox" checked={on} onChange={(e) => setHyper({ faceCrop: e.target.checked ? FACE_CROP : null })} />
        <span>Face crop</span>
      </label>
    </fieldset>
  );
}
