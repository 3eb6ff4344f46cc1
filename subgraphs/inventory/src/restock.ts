import { appError, badInput, ErrorCode, forbidden, isUuid, requireRole, type Queryable, type Viewer } from '@cloudlab/kit';
import { stockChanged } from './reservations';
import * as store from './store';

export const MAX_RESTOCK = 100_000;

/**
 * Restocks one product in one warehouse. Tenancy: vendor staff only for their own vendor's
 * products (the vendor is inventory's own copy of the product's owner), admins for any.
 */
export async function restock(
  q: Queryable,
  viewer: Viewer | null,
  args: { productId: string; warehouseId: string; quantity: number },
): Promise<{ available: number; reserved: number }> {
  const v = requireRole(viewer, 'VENDOR', 'ADMIN');
  if (!Number.isInteger(args.quantity) || args.quantity < 1 || args.quantity > MAX_RESTOCK) {
    throw badInput(`quantity must be between 1 and ${MAX_RESTOCK}`, 'quantity');
  }
  const productId = args.productId.toLowerCase();
  const vendorId = isUuid(productId) ? await store.vendorOfProduct(q, productId) : null;
  if (!vendorId) throw appError(ErrorCode.NOT_FOUND, 'No stock record for that product');
  if (v.role === 'VENDOR' && v.vendorId !== vendorId) throw forbidden("Vendor staff can restock only their own vendor's products");
  if (!isUuid(args.warehouseId) || !(await store.warehouseExists(q, args.warehouseId))) {
    throw badInput('Unknown warehouse', 'warehouseId');
  }
  await store.addStock(q, { productId, warehouseId: args.warehouseId, vendorId, quantity: args.quantity, byUser: v.userId });
  await stockChanged(q, [productId]);
  const [totals] = await store.stockTotals(q, [productId]);
  return { available: totals!.available, reserved: totals!.reserved };
}
