import { describe, expect, it } from 'vitest';
import { replayOf } from './restock';

const first = { product_id: 'p1', warehouse_id: 'w1', quantity: 5, available: 105, reserved: 3 };

describe('a restock retried with its idempotency key', () => {
  it('answers the first result when it asks for the same thing', () => {
    expect(replayOf(first, { productId: 'p1', warehouseId: 'W1', quantity: 5 })).toEqual({ available: 105, reserved: 3 });
  });

  it('is a CONFLICT when the key comes with another product, warehouse or quantity', () => {
    for (const args of [
      { productId: 'p2', warehouseId: 'w1', quantity: 5 },
      { productId: 'p1', warehouseId: 'w2', quantity: 5 },
      { productId: 'p1', warehouseId: 'w1', quantity: 6 },
    ]) {
      expect(() => replayOf(first, args)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT' }) }));
    }
  });
});
