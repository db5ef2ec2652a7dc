import { UsageError } from './args';

/** A numeric flag's value, or a usage error naming the flag and what it takes. */
export function numberOption(flag: string, value: string, rule: { integer?: boolean; min?: number }, usage: string): number {
  const n = Number(value);
  const ok = value.trim() !== '' && Number.isFinite(n) && (!rule.integer || Number.isInteger(n)) && (rule.min === undefined || n >= rule.min);
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const bound = rule.min === undefined ? '' : rule.min === Number.MIN_VALUE ? ' > 0' : ` ≥ ${rule.min}`;
    throw new UsageError(`${flag} takes ${kind}${bound}, got '${value}'\nusage: ${usage}`);
  }
  return n;
}
