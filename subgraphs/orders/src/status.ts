import type { OrderStatus } from './store';

/**
 * The order's status is derived from its history (order_events, append-only); `orders.status` is
 * a copy kept for listing and locking. Each history entry type either moves the status or not.
 */
const STATUS_AFTER: Record<string, OrderStatus> = {
  OrderPlaced: 'PENDING',
  StockReserved: 'STOCK_RESERVED',
  OrderConfirmed: 'CONFIRMED',
  OrderCancelled: 'CANCELLED',
  // Recorded when the last vendor of the order ships (each vendor's shipment is a VendorShipped entry).
  OrderShipped: 'SHIPPED',
};

/** SHIPPED and CANCELLED are final: nothing moves an order on from there. */
export const FINAL_STATUSES: readonly OrderStatus[] = ['SHIPPED', 'CANCELLED'];

/** The status a history implies (oldest entry first); entries after a final status change nothing. */
export function deriveStatus(history: readonly { type: string }[]): OrderStatus {
  let status: OrderStatus = 'PENDING';
  for (const { type } of history) {
    if (FINAL_STATUSES.includes(status)) break;
    status = STATUS_AFTER[type] ?? status;
  }
  return status;
}

export type ShipDecision =
  /** Not a CONFIRMED order (BAD_USER_INPUT). */
  | 'NOT_CONFIRMED'
  /** The vendor has no lines in this order (FORBIDDEN). */
  | 'NO_LINES'
  /** This vendor already shipped: the first shipment stands (same carrier/tracking: answered unchanged). */
  | 'ALREADY_SHIPPED'
  /** Record this vendor's shipment; the order stays CONFIRMED (other vendors have yet to ship). */
  | 'SHIP'
  /** Record it; it is the last one: the order becomes SHIPPED. */
  | 'SHIP_LAST';

/** What `shipOrder` by `vendorId` does to an order with `status`, the vendors of its lines and those that shipped. */
export function shipDecision(status: OrderStatus, lineVendors: readonly string[], shipped: readonly string[], vendorId: string): ShipDecision {
  if (!lineVendors.includes(vendorId)) return 'NO_LINES';
  if (shipped.includes(vendorId)) return 'ALREADY_SHIPPED';
  if (status !== 'CONFIRMED') return 'NOT_CONFIRMED';
  const remaining = new Set(lineVendors.filter((v) => v !== vendorId && !shipped.includes(v)));
  return remaining.size === 0 ? 'SHIP_LAST' : 'SHIP';
}
