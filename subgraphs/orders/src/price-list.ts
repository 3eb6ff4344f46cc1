import { badInput, type Queryable } from '@cloudlab/kit';
import type { EventData } from '@cloudlab/kit/events';

/**
 * Orders' own price list: each product's owner, price and whether it may be ordered, as catalog's
 * events tell it (the demo seed fills the demo products' first state). placeOrder prices lines
 * from it without asking catalog at request time. Each event carries the product's version; a
 * row only moves forward, so redelivered or late events change nothing, and archiving sticks.
 */
export interface PriceRow {
  product_id: string;
  vendor_id: string;
  price: string;
  currency: string;
  archived: boolean;
}

async function upsert(q: Queryable, row: PriceRow & { version: number }): Promise<void> {
  await q.query(
    `INSERT INTO product_prices (product_id, vendor_id, price, currency, archived, version)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (product_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, price = EXCLUDED.price,
       currency = EXCLUDED.currency, archived = product_prices.archived OR EXCLUDED.archived, version = EXCLUDED.version
     WHERE product_prices.version < EXCLUDED.version`,
    [row.product_id, row.vendor_id, row.price, row.currency, row.archived, row.version],
  );
}

export function productPriced(q: Queryable, e: EventData<'ProductCreated'> | EventData<'ProductUpdated'>): Promise<void> {
  return upsert(q, { product_id: e.productId, vendor_id: e.vendorId, price: e.price, currency: e.currency, archived: false, version: e.version });
}

/** An archived product stays in the list (past orders name it) but cannot be ordered. */
export async function productArchived(q: Queryable, e: EventData<'ProductArchived'>): Promise<void> {
  // Arriving before its ProductCreated (another order of delivery), it leaves a tombstone that the older event cannot undo.
  await q.query(
    `INSERT INTO product_prices (product_id, vendor_id, price, currency, archived, version)
     VALUES ($1, $2, 0, 'XXX', true, $3)
     ON CONFLICT (product_id) DO UPDATE SET archived = true, version = greatest(product_prices.version, EXCLUDED.version)`,
    [e.productId, e.vendorId, e.version],
  );
}

/**
 * The price of each product, when every one of them may be ordered; otherwise BAD_USER_INPUT
 * naming the products that are unknown (or not announced by catalog yet) or archived.
 */
export async function orderablePrices(q: Queryable, productIds: string[]): Promise<Map<string, PriceRow>> {
  const { rows } = await q.query<PriceRow>(
    'SELECT product_id, vendor_id, price, currency, archived FROM product_prices WHERE product_id = ANY($1::uuid[])',
    [productIds],
  );
  const prices = new Map(rows.map((r) => [r.product_id, r]));
  const unknown = productIds.filter((id) => !prices.has(id));
  if (unknown.length) throw badInput(`Unknown product ${unknown.join(', ')}`, 'lines');
  const archived = rows.filter((r) => r.archived).map((r) => r.product_id);
  if (archived.length) throw badInput(`Archived product ${archived.join(', ')} cannot be ordered`, 'lines');
  return prices;
}
