/**
 * NLE amounts are kept as integer hundredths so that sums never drift (17.1 + 44.1 is 61.2, not
 * 61.199999999999996). These helpers convert at the edges.
 */

/** NLE number -> hundredths, or undefined when it has more than two decimals or is not finite. */
export function toCents(amount: number): number | undefined {
  if (!Number.isFinite(amount)) return undefined;
  const cents = Math.round(amount * 100);
  if (Math.abs(cents - amount * 100) > 1e-6 || !Number.isSafeInteger(cents)) return undefined;
  return cents;
}

/** Hundredths -> NLE number, as the API prints balances (`62.6`). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Hundredths -> a decimal string with a `.` separator (`13.37`, `2`), as `nle` in tokens. */
export function centsToDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}
