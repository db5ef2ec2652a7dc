import { parseBackendPreference, type BackendPreference } from '../engine/backend';

/** The backend asked for in the address (`?backend=webgpu`); `auto` when absent. */
export function backendFromUrl(): BackendPreference {
  return parseBackendPreference(new URLSearchParams(location.search).get('backend'));
}

/** Keeps `?backend=` in the address in step with the picker, without a reload. */
export function writeBackendToUrl(preference: BackendPreference): void {
  const url = new URL(location.href);
  if (preference === 'auto') url.searchParams.delete('backend');
  else url.searchParams.set('backend', preference);
  history.replaceState(history.state, '', url);
}
