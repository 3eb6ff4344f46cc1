import { describe, expect, it } from 'vitest';
import { afterStep, mergeLines, samePayload } from './saga';

const limits = { ORDER_MAX_LINES: 50, ORDER_MAX_QUANTITY: 1000, ORDER_MAX_TOTAL_QUANTITY: 5000 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
  return undefined;
};

describe('the lines of an order', () => {
  it('count lines for the same product together (ids in any case)', () => {
    const merged = mergeLines([{ productId: 'A', quantity: 2 }, { productId: 'b', quantity: 1 }, { productId: 'a', quantity: 3 }], limits);
    expect([...merged]).toEqual([['a', 5], ['b', 1]]);
  });

  it('hold at most ORDER_MAX_QUANTITY units of one product, however many lines it is spread over', () => {
    const fifty = Array.from({ length: 50 }, () => ({ productId: 'a', quantity: 1000 }));
    expect(codeOf(() => mergeLines(fifty, limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => mergeLines([{ productId: 'a', quantity: 600 }, { productId: 'a', quantity: 401 }], limits))).toBe('BAD_USER_INPUT');
    expect(mergeLines([{ productId: 'a', quantity: 600 }, { productId: 'a', quantity: 400 }], limits).get('a')).toBe(1000);
  });

  it('hold at most ORDER_MAX_TOTAL_QUANTITY units in all', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ productId: `p${i}`, quantity: 1000 }));
    expect(codeOf(() => mergeLines(many, limits))).toBe('BAD_USER_INPUT');
    expect(mergeLines(many.slice(0, 5), limits).size).toBe(5);
  });

  it('refuse no lines, too many lines, and quantities that are not positive integers', () => {
    expect(codeOf(() => mergeLines([], limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => mergeLines(Array.from({ length: 51 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })), limits))).toBe('BAD_USER_INPUT');
    for (const quantity of [0, -1, 1.5, 1001]) expect(codeOf(() => mergeLines([{ productId: 'a', quantity }], limits)), String(quantity)).toBe('BAD_USER_INPUT');
  });
});

describe('a placeOrder retried with its idempotency key', () => {
  const first = { paymentToken: 'tok_visa', lines: [{ product_id: 'a', quantity: 2 }, { product_id: 'b', quantity: 1 }] };
  it('is the same order when it asks for the same products, quantities and payment token', () => {
    expect(samePayload(first, { paymentToken: 'tok_visa', quantities: new Map([['b', 1], ['a', 2]]) })).toBe(true);
  });
  it('is another order otherwise', () => {
    expect(samePayload(first, { paymentToken: 'tok_declined', quantities: new Map([['a', 2], ['b', 1]]) })).toBe(false);
    expect(samePayload(first, { paymentToken: 'tok_visa', quantities: new Map([['a', 3], ['b', 1]]) })).toBe(false);
    expect(samePayload(first, { paymentToken: 'tok_visa', quantities: new Map([['a', 2]]) })).toBe(false);
    expect(samePayload(first, { paymentToken: 'tok_visa', quantities: new Map([['a', 2], ['b', 1], ['c', 1]]) })).toBe(false);
  });
});

describe('the saga after a successful step', () => {
  it('requests payment once stock is reserved for a pending order, and confirms once payment is authorized', () => {
    expect(afterStep('PENDING', 'StockReserved')).toBe('REQUEST_PAYMENT');
    expect(afterStep('STOCK_RESERVED', 'PaymentAuthorized')).toBe('CONFIRM');
  });
  it('ignores redelivered and stale events', () => {
    expect(afterStep('STOCK_RESERVED', 'StockReserved')).toBe('IGNORE');
    expect(afterStep('CONFIRMED', 'PaymentAuthorized')).toBe('IGNORE');
    expect(afterStep('CANCELLED', 'StockReserved')).toBe('IGNORE'); // inventory releases on OrderCancelled itself
    expect(afterStep('PENDING', 'PaymentAuthorized')).toBe('IGNORE');
  });
  it('voids an authorization that arrives after the order was given up', () => {
    expect(afterStep('CANCELLED', 'PaymentAuthorized')).toBe('VOID_AGAIN');
  });
});
