import type { Viewer } from '@cloudlab/kit';
import type { LineRow, OrderRow } from './store';

/** Customers see their own orders, vendor staff the orders holding their vendor's products, admins all. */
export function canSeeOrder(viewer: Viewer | null, order: OrderRow, lines: LineRow[]): boolean {
  if (!viewer) return false;
  if (viewer.role === 'ADMIN' || order.customer_id === viewer.userId) return true;
  return viewer.role === 'VENDOR' && viewer.vendorId !== null && lines.some((l) => l.vendor_id === viewer.vendorId);
}
