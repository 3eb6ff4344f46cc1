import { describe, expect, it } from 'vitest';
import { authorize } from './provider';

describe('the simulated provider', () => {
  it('authorizes tok_visa, declines tok_declined and unknown tokens, and answers tok_slow later', () => {
    expect(authorize('tok_visa', 100)).toEqual({ outcome: 'AUTHORIZED' });
    expect(authorize('tok_declined', 100)).toEqual({ outcome: 'DECLINED', reason: 'card declined' });
    expect(authorize('tok_amex', 100)).toEqual({ outcome: 'DECLINED', reason: 'unknown payment token' });
    expect(authorize('tok_slow', 1500)).toEqual({ outcome: 'LATER', delayMs: 1500 });
  });
});
