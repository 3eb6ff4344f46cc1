import { toMicros } from './decimal';

/**
 * The projection's rule, as a pure function: what one order contributes to the daily tables,
 * given everything known about it so far. Its flags only ever turn on, so whatever order the
 * events arrive in, the final state (and so the totals) is the same; an event applies as the
 * difference between the contribution after it and before it (`difference`), on the day the
 * order was placed — a cancellation or refund after confirmation corrects that day.
 */
export interface Line {
  productId: string;
  vendorId: string;
  quantity: number;
  unitPrice: string;
}

export interface OrderState {
  /** UTC day the order was placed (`YYYY-MM-DD`); null until its OrderPlaced arrives. */
  day: string | null;
  currency: string | null;
  lines: Line[] | null;
  confirmed: boolean;
  cancelled: boolean;
  refunded: boolean;
}

export const unknownOrder = (): OrderState => ({ day: null, currency: null, lines: null, confirmed: false, cancelled: false, refunded: false });

export interface VendorFigures {
  orders: number;
  units: number;
  revenue: bigint;
  cancellations: number;
  refunds: number;
}
export interface ProductFigures {
  vendorId: string;
  orders: number;
  units: number;
  revenue: bigint;
}

/** Everything one order adds to the tables; keys are vendor and product ids. */
export interface Contribution {
  day: string | null;
  currency: string | null;
  vendors: Map<string, VendorFigures>;
  products: Map<string, ProductFigures>;
  platform: { orders: number; revenue: bigint };
  /** Products bought together in a sale (each unordered pair once). */
  pairs: [string, string][];
}

/** A sale: confirmed and neither cancelled nor refunded. Only sales count as orders, units and revenue. */
export const isSale = (s: OrderState) => s.confirmed && !s.cancelled && !s.refunded;

export function contribution(s: OrderState): Contribution {
  const c: Contribution = { day: s.day, currency: s.currency, vendors: new Map(), products: new Map(), platform: { orders: 0, revenue: 0n }, pairs: [] };
  if (!s.lines || !s.day) return c;
  const sale = isSale(s);
  for (const line of s.lines) {
    const revenue = sale ? toMicros(line.unitPrice) * BigInt(line.quantity) : 0n;
    const units = sale ? line.quantity : 0;
    const v = c.vendors.get(line.vendorId) ?? { orders: sale ? 1 : 0, units: 0, revenue: 0n, cancellations: s.cancelled ? 1 : 0, refunds: s.refunded ? 1 : 0 };
    v.units += units;
    v.revenue += revenue;
    c.vendors.set(line.vendorId, v);
    const p = c.products.get(line.productId) ?? { vendorId: line.vendorId, orders: sale ? 1 : 0, units: 0, revenue: 0n };
    p.units += units;
    p.revenue += revenue;
    c.products.set(line.productId, p);
    c.platform.revenue += revenue;
  }
  if (sale) {
    c.platform.orders = 1;
    const ids = [...c.products.keys()].sort();
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) c.pairs.push([ids[i]!, ids[j]!]);
  }
  return c;
}

export interface Difference {
  day: string;
  currency: string;
  vendors: Map<string, VendorFigures>;
  products: Map<string, ProductFigures>;
  platform: { orders: number; revenue: bigint };
  /** +1 or -1 per pair. */
  pairs: { a: string; b: string; delta: number }[];
}

/** What to add to the tables when an order goes from `before` to `after`; null when nothing changes. */
export function difference(before: OrderState, after: OrderState): Difference | null {
  const b = contribution(before);
  const a = contribution(after);
  const day = a.day ?? b.day;
  const currency = a.currency ?? b.currency;
  if (!day || !currency) return null;
  const vendors = new Map<string, VendorFigures>();
  for (const id of new Set([...b.vendors.keys(), ...a.vendors.keys()])) {
    const x = b.vendors.get(id);
    const y = a.vendors.get(id);
    const d = {
      orders: (y?.orders ?? 0) - (x?.orders ?? 0),
      units: (y?.units ?? 0) - (x?.units ?? 0),
      revenue: (y?.revenue ?? 0n) - (x?.revenue ?? 0n),
      cancellations: (y?.cancellations ?? 0) - (x?.cancellations ?? 0),
      refunds: (y?.refunds ?? 0) - (x?.refunds ?? 0),
    };
    if (d.orders || d.units || d.revenue || d.cancellations || d.refunds) vendors.set(id, d);
  }
  const products = new Map<string, ProductFigures>();
  for (const id of new Set([...b.products.keys(), ...a.products.keys()])) {
    const x = b.products.get(id);
    const y = a.products.get(id);
    const d = {
      vendorId: (y ?? x)!.vendorId,
      orders: (y?.orders ?? 0) - (x?.orders ?? 0),
      units: (y?.units ?? 0) - (x?.units ?? 0),
      revenue: (y?.revenue ?? 0n) - (x?.revenue ?? 0n),
    };
    if (d.orders || d.units || d.revenue) products.set(id, d);
  }
  const key = (p: [string, string]) => p.join('|');
  const was = new Set(b.pairs.map(key));
  const is = new Set(a.pairs.map(key));
  const pairs = [
    ...a.pairs.filter((p) => !was.has(key(p))).map(([x, y]) => ({ a: x, b: y, delta: 1 })),
    ...b.pairs.filter((p) => !is.has(key(p))).map(([x, y]) => ({ a: x, b: y, delta: -1 })),
  ];
  const platform = { orders: a.platform.orders - b.platform.orders, revenue: a.platform.revenue - b.platform.revenue };
  if (!vendors.size && !products.size && !pairs.length && !platform.orders && !platform.revenue) return null;
  return { day, currency, vendors, products, platform, pairs };
}

/** The UTC calendar day of an ISO timestamp. */
export const utcDay = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** Adds `d` to the batch's pending differences (one per day and currency), so a batch writes each table row once. */
export function accumulate(pending: Map<string, Difference>, d: Difference): void {
  const key = `${d.day}|${d.currency}`;
  const acc = pending.get(key);
  if (!acc) {
    pending.set(key, { ...d, vendors: new Map(d.vendors), products: new Map(d.products), platform: { ...d.platform }, pairs: [...d.pairs] });
    return;
  }
  for (const [id, f] of d.vendors) {
    const a = acc.vendors.get(id);
    acc.vendors.set(id, a ? { orders: a.orders + f.orders, units: a.units + f.units, revenue: a.revenue + f.revenue, cancellations: a.cancellations + f.cancellations, refunds: a.refunds + f.refunds } : f);
  }
  for (const [id, f] of d.products) {
    const a = acc.products.get(id);
    acc.products.set(id, a ? { vendorId: a.vendorId, orders: a.orders + f.orders, units: a.units + f.units, revenue: a.revenue + f.revenue } : f);
  }
  acc.platform = { orders: acc.platform.orders + d.platform.orders, revenue: acc.platform.revenue + d.platform.revenue };
  acc.pairs.push(...d.pairs);
}
