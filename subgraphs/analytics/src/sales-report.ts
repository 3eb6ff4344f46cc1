import type { Queryable } from '@cloudlab/kit';
import { toCents, toMicros } from './decimal';
import { periodsOf, type Granularity } from './periods';
import { vendorPeriods, type PeriodRow } from './reports';

type Money = { amount: string; currency: string };

export interface Report {
  vendorId: string;
  from: string;
  to: string;
  orders: number;
  units: number;
  cancellations: number;
  revenue: Money[];
  averageOrderValue: Money[];
  series: { period: string; orders: number; units: number; revenue: Money[] }[];
}

/** One query for the range's periods; totals, averages and the zero-filled series follow from its rows. */
export async function salesReport(q: Queryable, vendorId: string, from: string, to: string, granularity: Granularity): Promise<Report> {
  return buildReport(vendorId, from, to, granularity, await vendorPeriods(q, vendorId, from, to, granularity));
}

/** The report from per-period rows (pure, so the arithmetic is unit-tested). Currencies sorted; amounts to cents. */
export function buildReport(vendorId: string, from: string, to: string, granularity: Granularity, rows: PeriodRow[]): Report {
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const byCurrency = new Map(currencies.map((c) => [c, { orders: 0, revenue: 0n }]));
  let orders = 0;
  let units = 0;
  let cancellations = 0;
  for (const r of rows) {
    orders += r.orders;
    units += r.units;
    cancellations += r.cancellations;
    const c = byCurrency.get(r.currency)!;
    c.orders += r.orders;
    c.revenue += toMicros(r.revenue);
  }
  const series = periodsOf(from, to, granularity).map((period) => {
    const mine = rows.filter((r) => r.period === period);
    return {
      period,
      orders: mine.reduce((n, r) => n + r.orders, 0),
      units: mine.reduce((n, r) => n + r.units, 0),
      revenue: currencies.map((currency) => ({
        currency,
        amount: toCents(mine.filter((r) => r.currency === currency).reduce((n, r) => n + toMicros(r.revenue), 0n)),
      })),
    };
  });
  return {
    vendorId, from, to, orders, units, cancellations, series,
    revenue: currencies.map((currency) => ({ currency, amount: toCents(byCurrency.get(currency)!.revenue) })),
    averageOrderValue: currencies.map((currency) => {
      const c = byCurrency.get(currency)!;
      return { currency, amount: c.orders ? toCents(c.revenue / BigInt(c.orders)) : '0.00' };
    }),
  };
}
