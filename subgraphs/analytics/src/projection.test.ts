import { describe, expect, it } from 'vitest';
import { fromMicros } from './decimal';
import { accumulate, difference, unknownOrder, type Difference, type OrderState } from './projection';

const A = 'vendor-a';
const B = 'vendor-b';
const lines = [
  { productId: 'p1', vendorId: A, quantity: 2, unitPrice: '19.99' },
  { productId: 'p2', vendorId: A, quantity: 1, unitPrice: '5.50' },
  { productId: 'p3', vendorId: B, quantity: 3, unitPrice: '100.00' },
];
type Change = (s: OrderState) => OrderState;
const placed: Change = (s) => (s.lines ? s : { ...s, day: '2026-03-02', currency: 'EUR', lines });
const confirmed: Change = (s) => ({ ...s, confirmed: true });
const cancelled: Change = (s) => ({ ...s, cancelled: true });
const refunded: Change = (s) => ({ ...s, refunded: true });

/** Applies events one by one like the consumer does, summing the differences per table row. */
function totals(events: Change[]) {
  let s = unknownOrder();
  const sums = new Map<string, number | bigint>();
  const add = (key: string, n: number | bigint) =>
    sums.set(key, typeof n === 'bigint' ? ((sums.get(key) as bigint | undefined) ?? 0n) + n : ((sums.get(key) as number | undefined) ?? 0) + n);
  for (const e of events) {
    const next = e(s);
    const d: Difference | null = difference(s, next);
    s = next;
    if (!d) continue;
    for (const [v, f] of d.vendors) {
      add(`${d.day} ${v} orders`, f.orders);
      add(`${d.day} ${v} units`, f.units);
      add(`${d.day} ${v} revenue`, f.revenue);
      add(`${d.day} ${v} cancellations`, f.cancellations);
      add(`${d.day} ${v} refunds`, f.refunds);
    }
    for (const p of d.pairs) add(`pair ${p.a}+${p.b}`, p.delta);
    add(`${d.day} platform orders`, d.platform.orders);
  }
  return Object.fromEntries([...sums].filter(([, n]) => n !== 0 && n !== 0n).map(([k, n]) => [k, typeof n === 'bigint' ? fromMicros(n) : n]));
}

describe('the sales projection', () => {
  it('counts a confirmed order for each vendor with its own lines only, on the day it was placed', () => {
    expect(totals([placed, confirmed])).toEqual({
      '2026-03-02 vendor-a orders': 1,
      '2026-03-02 vendor-a units': 3,
      '2026-03-02 vendor-a revenue': '45.480000',
      '2026-03-02 vendor-b orders': 1,
      '2026-03-02 vendor-b units': 3,
      '2026-03-02 vendor-b revenue': '300.000000',
      'pair p1+p2': 1,
      'pair p1+p3': 1,
      'pair p2+p3': 1,
      '2026-03-02 platform orders': 1,
    });
  });

  it('gives the same totals whatever order the events arrive in, and when one comes twice', () => {
    const expected = totals([placed, confirmed]);
    expect(totals([confirmed, placed])).toEqual(expected);
    expect(totals([placed, confirmed, confirmed, placed])).toEqual(expected);
  });

  it('a cancellation after confirmation takes the sale back out of the day it was placed and counts a cancellation', () => {
    const after = totals([placed, confirmed, cancelled]);
    expect(after).toEqual({ '2026-03-02 vendor-a cancellations': 1, '2026-03-02 vendor-b cancellations': 1 });
    expect(totals([cancelled, confirmed, placed])).toEqual(after);
  });

  it('a refund removes the revenue from the order’s own day and counts a refund', () => {
    expect(totals([placed, confirmed, refunded])).toEqual({ '2026-03-02 vendor-a refunds': 1, '2026-03-02 vendor-b refunds': 1 });
  });

  it('a declined order is a cancellation with no sale', () => {
    expect(totals([placed, cancelled])).toEqual({ '2026-03-02 vendor-a cancellations': 1, '2026-03-02 vendor-b cancellations': 1 });
  });

  it('an event for an order not yet placed changes nothing until its OrderPlaced arrives', () => {
    expect(totals([confirmed])).toEqual({});
  });
});

describe('a batch of events', () => {
  it('adds up to what the events would add one by one, one row per day and currency', () => {
    const one = unknownOrder();
    const sold = confirmed(placed(one));
    const first = difference(one, sold)!;
    const other = difference(sold, cancelled(sold))!;
    const pending = new Map<string, Difference>();
    accumulate(pending, first);
    accumulate(pending, other);
    expect(pending.size).toBe(1);
    const sum = [...pending.values()][0]!;
    expect(sum.vendors.get(A)).toEqual({ orders: 0, units: 0, revenue: 0n, cancellations: 1, refunds: 0 });
    expect(sum.platform).toEqual({ orders: 0, revenue: 0n });
    // The pair appears once with +1 and once with -1: it nets out when written.
    expect(sum.pairs.filter((p) => p.a === 'p1' && p.b === 'p2').map((p) => p.delta).sort()).toEqual([-1, 1]);
    expect(first.vendors.get(A)!.orders).toBe(1); // the first difference itself is left as it was
  });
});
