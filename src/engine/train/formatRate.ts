/**
 * A learning rate as text with `digits` significant digits, in exponent form without trailing zeros: 1e-3,
 * 3.16e-3, 4.5e-7. Rates span orders of magnitude (one-cycle ends at lr/1e5), where fixed decimals print 0.000.
 * The Report lines, the charts and the LR finder's "Use …" button all write rates with it.
 */
export function formatRate(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const [mantissa, exponent] = x.toExponential(Math.max(0, digits - 1)).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return `${trimmed}e${exponent.replace('+', '')}`;
}

/** `x` rounded to `digits` significant digits: the rate `formatRate(x, digits)` shows, as a number. */
export function roundRate(x: number, digits = 3): number {
  return Number(formatRate(x, digits));
}
