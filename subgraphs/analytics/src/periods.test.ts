import { describe, expect, it } from 'vitest';
import { cancellationRate, parseRange, periodsOf, periodStart } from './periods';
import { buildReport } from './sales-report';

const row = (period: string, orders: number, units: number, revenue: string, cancellations = 0) => ({ period, currency: 'EUR', orders, units, revenue, cancellations });

describe('report periods', () => {
  it('weeks start on Monday (ISO), also across a year end', () => {
    expect(periodStart('2026-11-29', 'WEEK')).toBe('2026-11-23'); // a Sunday
    expect(periodStart('2026-11-30', 'WEEK')).toBe('2026-11-30'); // a Monday
    expect(periodStart('2027-01-01', 'WEEK')).toBe('2026-12-28');
    expect(periodsOf('2026-12-30', '2027-01-12', 'WEEK')).toEqual(['2026-12-28', '2027-01-04', '2027-01-11']);
  });

  it('lists every day and month the range touches', () => {
    expect(periodsOf('2026-02-27', '2026-03-02', 'DAY')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(periodsOf('2026-01-31', '2026-03-01', 'MONTH')).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
  });

  it('refuses a reversed, malformed or too long range', () => {
    expect(() => parseRange('2026-03-02', '2026-03-01', 400)).toThrow(/from must not be after to/);
    expect(() => parseRange('2026-02-30', '2026-03-01', 400)).toThrow(/ISO date/);
    expect(() => parseRange('2025-01-01', '2026-03-01', 400)).toThrow(/at most 400/);
    expect(parseRange('2026-03-01', '2026-03-01', 1)).toEqual({ from: '2026-03-01', to: '2026-03-01' });
  });

  it('cancellation rate: cancelled among decided orders', () => {
    expect(cancellationRate(3, 1)).toBe(0.25);
    expect(cancellationRate(0, 0)).toBe(0);
    expect(cancellationRate(2, 1)).toBe(0.3333);
  });
});

describe('a sales report', () => {
  it('fills periods without sales with zeros and totals the rest to the cent', () => {
    const r = buildReport('v', '2026-03-01', '2026-03-04', 'DAY', [row('2026-03-01', 2, 3, '30.000000', 1), row('2026-03-03', 1, 1, '10.015000')]);
    expect(r.series).toEqual([
      { period: '2026-03-01', orders: 2, units: 3, revenue: [{ currency: 'EUR', amount: '30.00' }] },
      { period: '2026-03-02', orders: 0, units: 0, revenue: [{ currency: 'EUR', amount: '0.00' }] },
      { period: '2026-03-03', orders: 1, units: 1, revenue: [{ currency: 'EUR', amount: '10.02' }] },
      { period: '2026-03-04', orders: 0, units: 0, revenue: [{ currency: 'EUR', amount: '0.00' }] },
    ]);
    expect(r).toMatchObject({ orders: 3, units: 4, cancellations: 1, revenue: [{ currency: 'EUR', amount: '40.02' }] });
    expect(r.averageOrderValue).toEqual([{ currency: 'EUR', amount: '13.34' }]);
  });

  it('an empty range has no currencies and all-zero periods', () => {
    const r = buildReport('v', '2026-03-01', '2026-03-14', 'WEEK', []);
    expect(r.series.map((s) => [s.period, s.orders])).toEqual([['2026-02-23', 0], ['2026-03-02', 0], ['2026-03-09', 0]]);
    expect(r.revenue).toEqual([]);
  });
});
