import { describe, expect, it } from 'vitest';
import { allocate, type StockRow } from './reservations';

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
