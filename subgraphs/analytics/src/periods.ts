import { badInput } from '@cloudlab/kit';

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';
const DAY_MS = 86_400_000;

/**
 * A report's range: ISO dates (UTC), both inclusive, `from` ≤ `to`, at most `maxDays` days long
 * (ANALYTICS_MAX_RANGE_DAYS); anything else is BAD_USER_INPUT naming the argument.
 */
export function parseRange(from: string, to: string, maxDays: number): { from: string; to: string } {
  const f = parseDay(from, 'from');
  const t = parseDay(to, 'to');
  if (f > t) throw badInput('from must not be after to', 'from');
  const days = (t - f) / DAY_MS + 1;
  if (days > maxDays) throw badInput(`The range spans ${days} days; at most ${maxDays} are allowed`, 'to');
  return { from, to };
}

function parseDay(value: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) throw badInput(`${field} must be an ISO date (YYYY-MM-DD)`, field);
  return ms;
}

/** The first day of the period holding `day`: itself, its ISO week's Monday, or the 1st of its month. */
export function periodStart(day: string, granularity: Granularity): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (granularity === 'WEEK') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (granularity === 'MONTH') d.setUTCDate(1);
  return d.toISOString().slice(0, 10);
}

/** Every period the range touches, in order, each named by its first day (a partial first/last period too). */
export function periodsOf(from: string, to: string, granularity: Granularity): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  let at = periodStart(from, granularity);
  while (Date.parse(`${at}T00:00:00Z`) <= end) {
    out.push(at);
    const d = new Date(`${at}T00:00:00Z`);
    if (granularity === 'DAY') d.setUTCDate(d.getUTCDate() + 1);
    else if (granularity === 'WEEK') d.setUTCDate(d.getUTCDate() + 7);
    else d.setUTCMonth(d.getUTCMonth() + 1);
    at = d.toISOString().slice(0, 10);
  }
  return out;
}

/** Cancelled orders among the decided ones (sales + cancellations), 0 when there are none; four decimals. */
export function cancellationRate(sales: number, cancellations: number): number {
  const decided = sales + cancellations;
  return decided ? Math.round((cancellations / decided) * 10_000) / 10_000 : 0;
}
