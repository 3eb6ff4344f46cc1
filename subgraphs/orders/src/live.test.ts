import { describe, expect, it } from 'vitest';
import { statusStream } from './live';

const events = (...types: string[]) => types.map((type) => ({ type }));

describe('what a follower of an order sees', () => {
  it('every later status once, in order, from the status it started at', () => {
    const stream = statusStream('PENDING');
    const seen = events('OrderPlaced', 'PaymentRequested', 'OrderConfirmed').map((e) => stream.next(e));
    expect(seen).toEqual([undefined, 'STOCK_RESERVED', 'CONFIRMED']);
    expect(stream.finished).toBe(false); // a confirmed order can still be cancelled
  });

  it('nothing for events already reflected in the first snapshot, or delivered twice', () => {
    const stream = statusStream('CONFIRMED');
    expect(events('OrderPlaced', 'PaymentRequested', 'OrderConfirmed', 'OrderConfirmed').map((e) => stream.next(e))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('ignores events that do not move the status, and finishes at CANCELLED', () => {
    const stream = statusStream('STOCK_RESERVED');
    expect(stream.next({ type: 'StockChanged' })).toBeUndefined();
    expect(stream.next({ type: 'OrderCancelled' })).toBe('CANCELLED');
    expect(stream.finished).toBe(true);
    expect(stream.next({ type: 'OrderCancelled' })).toBeUndefined(); // the re-void after a late authorization
  });
});

describe('a shipped order', () => {
  it('is followed to SHIPPED, where the stream ends; a stray cancellation after it shows nothing', () => {
    const stream = statusStream('CONFIRMED');
    expect(stream.next({ type: 'OrderShipped' })).toBe('SHIPPED');
    expect(stream.finished).toBe(true);
    expect(stream.next({ type: 'OrderCancelled' })).toBeUndefined();
    expect(statusStream('SHIPPED').finished).toBe(true);
  });
});
