import { UsageError } from './args';

/** What a numeric flag accepts. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Why `max` is where it is, one short clause shown with the error. */
  maxWhy?: string;
}

/** A numeric flag's value, or a usage error naming the flag and what it takes. */
export function numberOption(flag: string, value: string, rule: NumberRule, usage: string): number {
  const n = Number(value);
  const inRange = (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
  const ok = value.trim() !== '' && Number.isFinite(n) && (!rule.integer || Number.isInteger(n)) && inRange;
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const low = rule.min === undefined ? '' : rule.min === Number.MIN_VALUE ? ' > 0' : ` ≥ ${rule.min}`;
    const bound = rule.max === undefined ? low : rule.min === undefined ? ` ≤ ${rule.max}` : ` from ${rule.min} to ${rule.max}`;
    const why = rule.max !== undefined && rule.maxWhy && Number.isFinite(n) && n > rule.max ? ` (${rule.maxWhy})` : '';
    throw new UsageError(`${flag} takes ${kind}${bound}, got '${value}'${why}\nusage: ${usage}`);
  }
  return n;
}
