import { BACKEND_PREFERENCES, type BackendPreference } from '../../engine/backend';
import { writeBackendToUrl } from '../backendUrl';
import { useStudio } from '../store';

/** Forces a backend (or `auto`): restarts the worker and rebuilds the model there. */
export function BackendPicker() {
  const preference = useStudio((s) => s.backendPreference);
  const startBackend = useStudio((s) => s.startBackend);
  const starting = useStudio((s) => s.backendStatus === 'starting');
  const onChange = (value: BackendPreference) => {
    writeBackendToUrl(value);
    void startBackend(value);
  };
  return (
    <label className="field">
      <span>Backend</span>
      <select value={preference} disabled={starting} onChange={(e) => onChange(e.target.value as BackendPreference)}>
        {BACKEND_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}
