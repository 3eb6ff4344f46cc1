import type { Viewer } from '@cloudlab/kit';
import type { LineRow, OrderRow } from './store';

/** Customers see their own orders, vendor staff the orders holding their vendor's products, admins all. */
export function canSeeOrder(viewer: Viewer | null, order: OrderRow, lines: LineRow[]): boolean {
  if (!viewer) return false;
  if (viewer.role === 'ADMIN' || order.customer_id === viewer.userId) return true;
  return viewer.role === 'VENDOR' && viewer.vendorId !== null && lines.some((l) => l.vendor_id === viewer.vendorId);
}

/**
 * The vendor whose part of the order the viewer sees, or null for the whole order (its customer
 * and admins). An order is shared by every vendor with products in it; vendor staff see only
 * what they need to ship their lines: their own lines (product, quantity, price), the status and
 * its history — not other vendors' lines, the order's total, the customer, or why it was
 * cancelled (a reason may name another vendor's product or the customer's payment).
 * Call it only for an order the viewer may see (canSeeOrder).
 */
export function vendorScope(viewer: Viewer | null, order: Pick<OrderRow, 'customer_id'>): string | null {
  if (!viewer || viewer.role === 'ADMIN' || viewer.userId === order.customer_id) return null;
  return viewer.vendorId;
}

/** One vendor's part of an order's rows (lines, shipments), or all of them for `vendor` null. */
export function partOf<T extends { vendor_id: string }>(vendor: string | null, rows: T[]): T[] {
  return vendor === null ? rows : rows.filter((r) => r.vendor_id === vendor);
}

/** The lines the viewer may see of an order it may see. */
export function visibleLines(viewer: Viewer | null, order: Pick<OrderRow, 'customer_id'>, lines: LineRow[]): LineRow[] {
  return partOf(vendorScope(viewer, order), lines);
}
