/**
 * Money in the projection as integer millionths (bigint), so no amount passes through a float;
 * the tables hold NUMERIC and the reports round to cents in SQL.
 */
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);

export function toMicros(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m) throw new Error(`not a decimal amount: ${amount}`);
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const value = BigInt(m[2]!) * FACTOR + BigInt(frac);
  return m[1] ? -value : value;
}

export function fromMicros(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / FACTOR}.${(abs % FACTOR).toString().padStart(SCALE, '0')}`;
}

/** `amount` rounded half up to cents, as a string with two decimals. */
export function toCents(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const cents = (abs + FACTOR / 200n) / (FACTOR / 100n);
  return `${sign}${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
