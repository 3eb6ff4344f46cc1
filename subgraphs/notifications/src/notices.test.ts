import { describe, expect, it } from 'vitest';
import { orderConfirmed, orderCancelled, orderShipped, noticeId, stockTransition, lowStock, backInStock } from './notices';

const order = '11111111-1111-4111-8111-111111111111';
const customer = '22222222-2222-4222-8222-222222222222';
const vendorA = '33333333-3333-4333-8333-333333333333';
const vendorB = '44444444-4444-4444-8444-444444444444';
const product = '55555555-5555-4555-8555-555555555555';

describe('event → notification', () => {
  it('a confirmed order tells the customer once and each vendor about its own lines only', () => {
    const out = orderConfirmed(order, customer, [
      { productId: product, vendorId: vendorA, quantity: 2 },
      { productId: product, vendorId: vendorB, quantity: 1 },
      { productId: product, vendorId: vendorA, quantity: 1 },
    ]);
    expect(out.map((n) => [n.kind, n.recipient])).toEqual([
      ['ORDER_CONFIRMED', { userId: customer }],
      ['NEW_ORDER', { vendorId: vendorA }],
      ['NEW_ORDER', { vendorId: vendorB }],
    ]);
    expect(out[0]!.body).toContain('4 items');
    expect(out[1]!.body).toContain('3 items');
    expect(out[2]!.body).toContain('1 item ');
    expect(out[0]!.link).toBe(`/orders/${order}`);
    expect(out[1]!.link).toBe(`/vendor/orders/${order}`);
  });

  it('a cancellation gives its reason; a shipment its carriers and tracking numbers', () => {
    expect(orderCancelled(order, customer, 'payment declined').body).toContain('payment declined');
    expect(orderCancelled(order, customer, null).body).toBe('Your order was cancelled.');
    const shipped = orderShipped({
      orderId: order, customerId: customer,
      shipments: [
        { vendorId: vendorA, carrier: 'DHL', trackingNumber: 'JD0001', shippedAt: '2026-01-01T00:00:00Z' },
        { vendorId: vendorB, carrier: 'UPS', trackingNumber: '1Z999', shippedAt: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(shipped).toMatchObject({ kind: 'ORDER_SHIPPED', recipient: { userId: customer } });
    expect(shipped.body).toContain('DHL JD0001, UPS 1Z999');
  });

  it('the same event, kind and recipient always give the same id; any difference another', () => {
    const event = '66666666-6666-4666-8666-666666666666';
    const a = backInStock(customer, product, 'Mug');
    const id = noticeId(event, a);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(noticeId(event, a)).toBe(id);
    expect(noticeId(event, backInStock(vendorA, product, 'Mug'))).not.toBe(id);
    expect(noticeId(event, lowStock(customer, product, 'Mug', 1, 5))).not.toBe(id);
    expect(noticeId(order, a)).not.toBe(id);
  });
});

describe('LOW_STOCK crossing', () => {
  it('fires once when stock drops below the threshold, not on further sales, and again after a restock', () => {
    const threshold = 5;
    let state: { low: boolean } | null = null;
    const fired: number[] = [];
    for (const available of [10, 6, 5, 4, 3, 0, 2, 20, 4, 4]) {
      const t = stockTransition(state, available, threshold);
      if (t.lowCrossed) fired.push(available);
      state = { low: t.low };
    }
    expect(fired).toEqual([4, 4]);
  });

  it('a product first seen already low is a baseline, not a crossing; orderable means something available', () => {
    expect(stockTransition(null, 0, 5)).toEqual({ low: true, lowCrossed: false, orderable: false });
    expect(stockTransition(null, 2, 5)).toEqual({ low: true, lowCrossed: false, orderable: true });
    expect(stockTransition({ low: true }, 0, 5)).toEqual({ low: true, lowCrossed: false, orderable: false });
    expect(stockTransition(null, 5, 5)).toEqual({ low: false, lowCrossed: false, orderable: true });
  });
});
