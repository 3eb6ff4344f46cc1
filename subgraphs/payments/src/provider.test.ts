import { describe, expect, it } from 'vitest';
import { answerTo, authorize, sameRequest } from './provider';

describe('the simulated provider', () => {
  it('authorizes tok_visa, declines tok_declined and unknown tokens, and answers tok_slow later', () => {
    expect(authorize('tok_visa', 100)).toEqual({ outcome: 'AUTHORIZED' });
    expect(authorize('tok_declined', 100)).toEqual({ outcome: 'DECLINED', reason: 'card declined' });
    expect(authorize('tok_amex', 100)).toEqual({ outcome: 'DECLINED', reason: 'unknown payment token' });
    expect(authorize('tok_slow', 1500)).toEqual({ outcome: 'LATER', delayMs: 1500 });
  });

  it('captures, voids and refunds the amount asked for', () => {
    const base = { paymentId: 'p1', amount: '12.50', currency: 'EUR' };
    expect(answerTo({ operation: 'capture', ...base }, 0)).toEqual({ outcome: 'CAPTURED', amount: '12.50' });
    expect(answerTo({ operation: 'void', ...base }, 0)).toEqual({ outcome: 'VOIDED', amount: '12.50' });
    expect(answerTo({ operation: 'refund', ...base }, 0)).toEqual({ outcome: 'REFUNDED', amount: '12.50' });
  });

  it('knows a repeated request whatever the order of its fields, and a different one under the same key', () => {
    const a = { operation: 'capture', paymentId: 'p1', amount: '12.50', currency: 'EUR' } as const;
    expect(sameRequest(a, { currency: 'EUR', amount: '12.50', paymentId: 'p1', operation: 'capture' })).toBe(true);
    expect(sameRequest(a, { ...a, amount: '13.00' })).toBe(false);
  });
});
