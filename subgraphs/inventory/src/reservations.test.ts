import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEnvelope } from '@cloudlab/kit/events';
import { allocate, batchProducts, type StockRow } from './reservations';

const row = (product_id: string, warehouse_id: string, available: number): StockRow => ({ product_id, warehouse_id, available });
const rows = [row('p1', 'w1', 2), row('p1', 'w2', 5), row('p2', 'w1', 1)];

describe('allocating an order to warehouses', () => {
  it('takes from the first warehouse that has units, then the next', () => {
    expect(allocate(rows, [{ productId: 'p1', quantity: 4 }])).toEqual({
      allocations: [
        { productId: 'p1', warehouseId: 'w1', quantity: 2 },
        { productId: 'p1', warehouseId: 'w2', quantity: 2 },
      ],
      short: [],
    });
  });

  it('reserves nothing when any product is short, and names the short ones', () => {
    expect(allocate(rows, [{ productId: 'p1', quantity: 1 }, { productId: 'p2', quantity: 2 }, { productId: 'p3', quantity: 1 }])).toEqual({
      allocations: [],
      short: ['p2', 'p3'],
    });
  });

  it('counts lines of the same product together: one reservation per warehouse, never more than there is', () => {
    expect(allocate(rows, [{ productId: 'p1', quantity: 3 }, { productId: 'p1', quantity: 3 }])).toEqual({
      allocations: [
        { productId: 'p1', warehouseId: 'w1', quantity: 2 },
        { productId: 'p1', warehouseId: 'w2', quantity: 4 },
      ],
      short: [],
    });
    expect(allocate(rows, [{ productId: 'p1', quantity: 4 }, { productId: 'p1', quantity: 4 }]).short).toEqual(['p1']);
  });

  it('leaves the locked rows as they were', () => {
    const copy = structuredClone(rows);
    allocate(rows, [{ productId: 'p1', quantity: 7 }]);
    expect(rows).toEqual(copy);
  });
});

describe('the stock rows a batch of order events locks first', () => {
  const [a, b, c, o1, o2] = Array.from({ length: 5 }, () => randomUUID());
  const placed = (orderId: string, products: string[]) =>
    createEnvelope('orders', {
      type: 'OrderPlaced',
      aggregateId: orderId,
      data: { orderId, customerId: randomUUID(), total: '1.00', currency: 'EUR', lines: products.map((productId) => ({ productId, vendorId: randomUUID(), quantity: 1, unitPrice: '1.00' })) },
    });

  it('are the products of every placed order, sorted once, and the reservations of confirmed or cancelled orders', () => {
    const events = [
      placed(o1!, [c!, a!]),
      createEnvelope('orders', { type: 'OrderCancelled', aggregateId: o2!, data: { orderId: o2!, reason: 'x' } }),
      placed(randomUUID(), [b!, a!]),
    ];
    const sorted = [a!, b!, c!].sort();
    expect(batchProducts(events)).toEqual({ productIds: sorted, orderIds: [o2] });
  });

  it('leave out a malformed payload (its handler refuses it) and events inventory does not act on', () => {
    const broken = { ...placed(o1!, [a!]), data: { orderId: o1, lines: 'none' } };
    const other = createEnvelope('orders', { type: 'PaymentRequested', aggregateId: o2!, data: {} });
    expect(batchProducts([broken, other])).toEqual({ productIds: [], orderIds: [] });
  });
});
