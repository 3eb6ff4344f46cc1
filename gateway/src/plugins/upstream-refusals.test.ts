import { describe, expect, it } from 'vitest';
import { refusalRetryAfter } from './upstream-refusals';

const limited = (retryAfter?: number) => ({ extensions: { code: 'RATE_LIMITED', ...(retryAfter ? { retryAfter } : {}) } });

describe("a subgraph's refusal at the edge", () => {
  it('becomes a 429 with the longest Retry-After when it is the whole answer', () => {
    expect(refusalRetryAfter(null, [limited(2)])).toBe(2);
    expect(refusalRetryAfter({ placeOrder: null }, [limited(1), limited(3)])).toBe(3);
    expect(refusalRetryAfter(undefined, [limited()])).toBe(1);
  });

  it('leaves a partial answer, or one with other errors, as it is', () => {
    expect(refusalRetryAfter({ placeOrder: null, me: { id: '1' } }, [limited(1)])).toBeUndefined();
    expect(refusalRetryAfter(null, [limited(1), { extensions: { code: 'BAD_USER_INPUT' } }])).toBeUndefined();
    expect(refusalRetryAfter({ ok: true }, undefined)).toBeUndefined();
  });
});
