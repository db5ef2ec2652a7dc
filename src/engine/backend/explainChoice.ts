import type { BackendName, BackendPreference } from './backendNames';

/** One backend tried during selection. */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it was taken or refused, in words shown to the user. */
  reason: string;
}

/** The reason shown next to the chosen backend: why it was picked, or why the ones before it were not. */
export function explainChoice(preference: BackendPreference, tried: BackendAttempt[]): string {
  const chosen = tried.find((attempt) => attempt.ok);
  const refused = tried.filter((attempt) => !attempt.ok);
  if (!chosen) return refused.map((attempt) => attempt.reason).join('; ') || 'no backend tried';
  if (refused.length === 0) {
    if (preference === chosen.backend) return chosen.reason || `${chosen.backend} forced`;
    return chosen.reason || 'first choice';
  }
  const why = refused.map((attempt) => attempt.reason).join('; ');
  return preference !== 'auto' && preference !== chosen.backend ? `forced ${preference} failed: ${why}` : why;
}
