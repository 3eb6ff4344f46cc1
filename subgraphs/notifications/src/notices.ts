import { createHash } from 'node:crypto';
import type { EventData } from '@cloudlab/kit/events';

/**
 * What each event tells whom: pure functions from event payloads (plus what the read model knows)
 * to notices. Links are storefront paths (the storefront resolves them against its own origin).
 */
export type Kind = 'ORDER_CONFIRMED' | 'ORDER_CANCELLED' | 'ORDER_SHIPPED' | 'PAYMENT_REFUNDED' | 'BACK_IN_STOCK' | 'NEW_ORDER' | 'LOW_STOCK';
export type Recipient = { userId: string; vendorId?: undefined } | { vendorId: string; userId?: undefined };
export interface Notice {
  recipient: Recipient;
  kind: Kind;
  title: string;
  body: string;
  link: string;
}

export interface OrderLine {
  productId: string;
  vendorId: string;
  quantity: number;
}

const short = (id: string) => id.slice(0, 8);
const units = (n: number) => (n === 1 ? '1 item' : `${n} items`);

export function orderConfirmed(orderId: string, customerId: string, lines: OrderLine[]): Notice[] {
  const byVendor = new Map<string, number>();
  for (const l of lines) byVendor.set(l.vendorId, (byVendor.get(l.vendorId) ?? 0) + l.quantity);
  const total = lines.reduce((n, l) => n + l.quantity, 0);
  return [
    {
      recipient: { userId: customerId },
      kind: 'ORDER_CONFIRMED',
      title: `Order ${short(orderId)} confirmed`,
      body: `Your order of ${units(total)} is confirmed and paid; we will tell you when it ships.`,
      link: `/orders/${orderId}`,
    },
    ...[...byVendor].map(([vendorId, quantity]): Notice => ({
      recipient: { vendorId },
      kind: 'NEW_ORDER',
      title: `New order ${short(orderId)}`,
      body: `A confirmed order has ${units(quantity)} of yours to ship.`,
      link: `/vendor/orders/${orderId}`,
    })),
  ];
}

export function orderCancelled(orderId: string, customerId: string, reason: string | null): Notice {
  return {
    recipient: { userId: customerId },
    kind: 'ORDER_CANCELLED',
    title: `Order ${short(orderId)} cancelled`,
    body: reason ? `Your order was cancelled: ${reason}.` : 'Your order was cancelled.',
    link: `/orders/${orderId}`,
  };
}

export function orderShipped(data: EventData<'OrderShipped'>): Notice {
  const tracking = data.shipments.map((s) => `${s.carrier} ${s.trackingNumber}`).join(', ');
  return {
    recipient: { userId: data.customerId },
    kind: 'ORDER_SHIPPED',
    title: `Order ${short(data.orderId)} shipped`,
    body: `Your order is on its way. Tracking: ${tracking}.`,
    link: `/orders/${data.orderId}`,
  };
}

export function paymentRefunded(orderId: string, customerId: string): Notice {
  return {
    recipient: { userId: customerId },
    kind: 'PAYMENT_REFUNDED',
    title: `Refund for order ${short(orderId)}`,
    body: 'Your payment was refunded; it may take a few days to show on your statement.',
    link: `/orders/${orderId}`,
  };
}

export function backInStock(userId: string, productId: string, name: string | null): Notice {
  return {
    recipient: { userId },
    kind: 'BACK_IN_STOCK',
    title: `${name ?? 'A product you watch'} is back in stock`,
    body: 'It can be ordered again. We will not tell you again unless you watch it anew.',
    link: `/products/${productId}`,
  };
}

export function lowStock(vendorId: string, productId: string, name: string | null, available: number, threshold: number): Notice {
  return {
    recipient: { vendorId },
    kind: 'LOW_STOCK',
    title: `Low stock: ${name ?? short(productId)}`,
    body: `Only ${available} left available (below ${threshold}). Restock to keep selling.`,
    link: `/vendor/products/${productId}`,
  };
}

/**
 * A product's stock moved from `before` (null: never seen) to `available`. LOW_STOCK once per
 * crossing: `low` turns on when available drops below the threshold and off only when it is back
 * at or above it, so sales while low make no further LOW_STOCK. The first total seen of a product
 * (`before` null: a product just listed with nothing in stock, or one stocked before this read
 * model began) is only a baseline: a crossing needs a known total at or above the threshold before it.
 */
export function stockTransition(before: { low: boolean } | null, available: number, threshold: number) {
  const low = available < threshold;
  return { low, lowCrossed: low && before !== null && !before.low, orderable: available > 0 };
}

/**
 * The same event, kind and recipient always give the same id: a redelivery or a rebuild's replay
 * inserts nothing new (ON CONFLICT DO NOTHING). A name-based UUID (version 5 layout over SHA-1).
 */
export function noticeId(eventId: string, n: Pick<Notice, 'kind' | 'recipient'>): string {
  const who = n.recipient.userId ? `user:${n.recipient.userId}` : `vendor:${n.recipient.vendorId}`;
  const h = createHash('sha1').update(`${eventId}|${n.kind}|${who}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
