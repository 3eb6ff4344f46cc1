import { describe, expect, it } from 'vitest';
import { deriveStatus, shipDecision } from './status';

const history = (...types: string[]) => types.map((type) => ({ type }));

describe("an order's status, derived from its history", () => {
  it('follows the saga: placed, reserved, authorized (no change), confirmed', () => {
    expect(deriveStatus(history())).toBe('PENDING');
    expect(deriveStatus(history('OrderPlaced', 'StockReserved'))).toBe('STOCK_RESERVED');
    expect(deriveStatus(history('OrderPlaced', 'StockReserved', 'PaymentAuthorized'))).toBe('STOCK_RESERVED');
    expect(deriveStatus(history('OrderPlaced', 'StockReserved', 'PaymentAuthorized', 'OrderConfirmed'))).toBe('CONFIRMED');
  });

  it('stays CONFIRMED while vendors ship one by one, and is SHIPPED after the last one', () => {
    const confirmed = ['OrderPlaced', 'StockReserved', 'PaymentAuthorized', 'OrderConfirmed'];
    expect(deriveStatus(history(...confirmed, 'VendorShipped'))).toBe('CONFIRMED');
    expect(deriveStatus(history(...confirmed, 'VendorShipped', 'VendorShipped', 'OrderShipped'))).toBe('SHIPPED');
  });

  it('never leaves a final status: nothing after SHIPPED or CANCELLED changes it', () => {
    expect(deriveStatus(history('OrderPlaced', 'OrderCancelled', 'OrderConfirmed'))).toBe('CANCELLED');
    expect(deriveStatus(history('OrderPlaced', 'StockReserved', 'OrderConfirmed', 'OrderShipped', 'OrderCancelled'))).toBe('SHIPPED');
  });
});

describe('what shipOrder does', () => {
  const vendors = ['va', 'vb'];
  it('records the first vendor and leaves the order CONFIRMED; the last one ships the order', () => {
    expect(shipDecision('CONFIRMED', vendors, [], 'va')).toBe('SHIP');
    expect(shipDecision('CONFIRMED', vendors, ['va'], 'vb')).toBe('SHIP_LAST');
    expect(shipDecision('CONFIRMED', ['va'], [], 'va')).toBe('SHIP_LAST');
  });

  it('refuses a vendor without lines in the order, and an order that is not CONFIRMED', () => {
    expect(shipDecision('CONFIRMED', vendors, [], 'vc')).toBe('NO_LINES');
    for (const status of ['PENDING', 'STOCK_RESERVED', 'CANCELLED'] as const) expect(shipDecision(status, vendors, [], 'va')).toBe('NOT_CONFIRMED');
  });

  it('knows a vendor that shipped already, also once the whole order has shipped', () => {
    expect(shipDecision('CONFIRMED', vendors, ['va'], 'va')).toBe('ALREADY_SHIPPED');
    expect(shipDecision('SHIPPED', vendors, ['va', 'vb'], 'vb')).toBe('ALREADY_SHIPPED');
  });
});
