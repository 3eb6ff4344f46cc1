import { appError, badInput, ErrorCode, forbidden, isUuid, requireRole, type Queryable, type Viewer } from '@cloudlab/kit';
import { config } from './config';
import { stockChanged } from './reservations';
import * as store from './store';

export const MAX_RESTOCK = 100_000;

export interface RestockArgs {
  productId: string;
  warehouseId: string;
  quantity: number;
  /** Chosen by the client; a retry with the same key answers the first result (per vendor). */
  idempotencyKey?: string | null;
}
type Totals = { available: number; reserved: number };

/**
 * What a restock whose idempotency key was used before answers: the first result when it asked
 * for the same thing, a CONFLICT when the key now comes with another product, warehouse or quantity.
 */
export function replayOf(first: store.RestockKeyRow, args: { productId: string; warehouseId: string; quantity: number }): Totals {
  const same = first.product_id === args.productId && first.warehouse_id === args.warehouseId.toLowerCase() && first.quantity === args.quantity;
  if (!same) throw appError(ErrorCode.CONFLICT, 'This idempotency key was used for a different restock');
  // The first restock holds the key until it commits, so its result is always there by now.
  return { available: Number(first.available), reserved: Number(first.reserved) };
}

/**
 * Restocks one product in one warehouse. Tenancy: vendor staff only for their own vendor's
 * products (the vendor is inventory's own copy of the product's owner), admins for any.
 * A product never holds more than MAX_PRODUCT_UNITS units (its totals are GraphQL Ints).
 */
export async function restock(q: Queryable, viewer: Viewer | null, args: RestockArgs): Promise<Totals> {
  const v = requireRole(viewer, 'VENDOR', 'ADMIN');
  if (!Number.isInteger(args.quantity) || args.quantity < 1 || args.quantity > MAX_RESTOCK) {
    throw badInput(`quantity must be between 1 and ${MAX_RESTOCK}`, 'quantity');
  }
  const key = args.idempotencyKey?.trim();
  if (key !== undefined && (!key || key.length > config.RESTOCK_KEY_MAX_LENGTH)) {
    throw badInput(`idempotencyKey must be 1 to ${config.RESTOCK_KEY_MAX_LENGTH} characters`, 'idempotencyKey');
  }
  const productId = args.productId.toLowerCase();
  const vendorId = isUuid(productId) ? await store.vendorOfProduct(q, productId) : null;
  if (!vendorId) throw appError(ErrorCode.NOT_FOUND, 'No stock record for that product');
  if (v.role === 'VENDOR' && v.vendorId !== vendorId) throw forbidden("Vendor staff can restock only their own vendor's products");
  if (!isUuid(args.warehouseId) || !(await store.warehouseExists(q, args.warehouseId))) {
    throw badInput('Unknown warehouse', 'warehouseId');
  }
  const warehouseId = args.warehouseId.toLowerCase();
  if (key) {
    const first = await store.claimRestockKey(q, { vendorId, key, productId, warehouseId, quantity: args.quantity });
    if (first) return replayOf(first, { productId, warehouseId, quantity: args.quantity });
  }
  const added = await store.addStock(q, { productId, warehouseId, vendorId, quantity: args.quantity, byUser: v.userId });
  if (!added) throw badInput(`A product holds at most ${store.MAX_PRODUCT_UNITS} units over all warehouses`, 'quantity');
  await stockChanged(q, [productId]);
  const [totals] = await store.stockTotals(q, [productId]);
  const result = { available: totals!.available, reserved: totals!.reserved };
  if (key) await store.recordRestockResult(q, vendorId, key, result);
  return result;
}
