import { appError, badInput, ErrorCode, isUuid, type Queryable, type Viewer } from '@cloudlab/kit';
import { recordDomainEvent } from '@cloudlab/kit/events';
import { config } from './config';
import { deriveStatus, shipDecision } from './status';
import * as store from './store';
import type { OrderRow } from './store';

/**
 * Fulfillment: each vendor ships its own lines of a CONFIRMED order (one shipment per vendor);
 * when the last vendor ships, the order becomes SHIPPED and `OrderShipped` tells payments to
 * capture. Every shipment is a `VendorShipped` entry in the order's history, the last one is
 * followed by `OrderShipped`, so the status stays derived from the history.
 */
const TRACKING = /^[A-Za-z0-9][A-Za-z0-9 -]*$/;
// Printable text only: a carrier's name is shown to customers as it is.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The trimmed carrier and tracking number, or BAD_USER_INPUT naming what is wrong. */
export function shipmentInput(carrier: string, trackingNumber: string, maxLength = config.SHIPMENT_FIELD_MAX_LENGTH) {
  const c = carrier.trim();
  const t = trackingNumber.trim();
  if (!c || c.length > maxLength || CONTROL.test(c)) throw badInput(`carrier must be 1 to ${maxLength} printable characters`, 'carrier');
  if (!t || t.length > maxLength || !TRACKING.test(t)) {
    throw badInput(`trackingNumber must be 1 to ${maxLength} letters, digits, spaces or dashes`, 'trackingNumber');
  }
  return { carrier: c, trackingNumber: t };
}

export async function shipOrder(q: Queryable, viewer: Viewer, args: { orderId: string; carrier: string; trackingNumber: string }): Promise<OrderRow> {
  const { carrier, trackingNumber } = shipmentInput(args.carrier, args.trackingNumber);
  const vendorId = viewer.vendorId;
  const notFound = () => appError(ErrorCode.NOT_FOUND, 'No such order');
  if (!vendorId) throw appError(ErrorCode.FORBIDDEN, 'Only vendor staff ship orders');
  const order = isUuid(args.orderId) ? await store.lockOrder(q, args.orderId.toLowerCase()) : null;
  if (!order) throw notFound();
  const [lines, history, shipments] = await Promise.all([
    store.linesByOrders(q, [order.id]),
    store.eventsByOrders(q, [order.id]),
    store.shipmentsByOrders(q, [order.id]),
  ]);
  const status = deriveStatus(history);
  const decision = shipDecision(status, [...new Set(lines.map((l) => l.vendor_id))], shipments.map((s) => s.vendor_id), vendorId);
  switch (decision) {
    // Another vendor's order is one this viewer cannot see: no hint that it exists.
    case 'NO_LINES':
      throw notFound();
    case 'NOT_CONFIRMED':
      throw badInput(`Only a confirmed order can be shipped; this one is ${status}`, 'orderId');
    case 'ALREADY_SHIPPED': {
      // A retry (same carrier and tracking number) answers the order as it is; anything else is refused.
      const first = shipments.find((s) => s.vendor_id === vendorId)!;
      if (first.carrier === carrier && first.tracking_number === trackingNumber) return order;
      throw badInput(`Your lines of this order already shipped with ${first.carrier} ${first.tracking_number}`, 'orderId');
    }
  }
  await store.insertShipment(q, { orderId: order.id, vendorId, carrier, trackingNumber });
  await store.appendEvent(q, order.id, { type: 'VendorShipped', detail: `${carrier} ${trackingNumber}` });
  if (decision === 'SHIP_LAST') {
    await store.appendEvent(q, order.id, { type: 'OrderShipped', status: 'SHIPPED', deadline: null });
    const all = await store.shipmentsByOrders(q, [order.id]);
    await recordDomainEvent(q, 'orders', {
      type: 'OrderShipped',
      aggregateId: order.id,
      data: {
        orderId: order.id,
        customerId: order.customer_id,
        shipments: all.map((s) => ({ vendorId: s.vendor_id, carrier: s.carrier, trackingNumber: s.tracking_number, shippedAt: s.shipped_at.toISOString() })),
      },
    });
  }
  return (await store.lockOrder(q, order.id))!;
}
