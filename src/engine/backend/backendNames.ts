/** The tfjs backends the studio can run on, in the order `auto` tries them. */
export const BACKEND_NAMES = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What the user asks for: `auto` (try in order) or one backend forced (`?backend=webgpu`). */
export const BACKEND_PREFERENCES = ['auto', ...BACKEND_NAMES] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** Reads a preference from free text (a URL parameter, a CLI flag); anything unknown is `auto`. */
export function parseBackendPreference(text: string | null | undefined): BackendPreference {
  const value = (text ?? '').trim().toLowerCase();
  return (BACKEND_PREFERENCES as readonly string[]).includes(value) ? (value as BackendPreference) : 'auto';
}

/** The order in which backends are tried: a forced one first, then the rest in the default order. */
export function backendOrder(preference: BackendPreference): BackendName[] {
  if (preference === 'auto') return [...BACKEND_NAMES];
  return [preference, ...BACKEND_NAMES.filter((name) => name !== preference)];
}
