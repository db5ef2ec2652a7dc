import { useEffect } from 'react';
import { useStudio } from '../store';
import { stepFromHash, stepId, STEPS, type StepName } from '../steps';

/** Brings a step's section into view. */
function show(step: StepName, behavior: ScrollBehavior) {
  document.getElementById(stepId(step))?.scrollIntoView({ behavior, block: 'start' });
}

/**
 * Data → Model → Train → Results → Landmarks, always in view: a step is one click away, never a scroll. The
 * current step is the store's and the URL hash's, so a reload comes back to it.
 */
export function StepRail() {
  const step = useStudio((s) => s.step);
  const setStep = useStudio((s) => s.setStep);
  useEffect(() => {
    const fromUrl = () => {
      const named = stepFromHash(location.hash);
      if (!named) return;
      setStep(named);
      show(named, 'auto');
    };
    fromUrl();
    window.addEventListener('hashchange', fromUrl);
    return () => window.removeEventListener('hashchange', fromUrl);
  }, [setStep]);
  const go = (next: StepName) => {
    setStep(next);
    history.replaceState(null, '', `#${next}`);
    show(next, 'smooth');
  };
  return (
    <nav className="step-rail" aria-label="Steps">
      <ol>
        {STEPS.map((s, i) => (
          <li key={s.name}>
            <button type="button" aria-current={s.name === step ? 'step' : undefined} onClick={() => go(s.name)}>
              <span className="step-number">{i + 1}</span> {s.title}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
