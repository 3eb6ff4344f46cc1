import { describe, expect, it } from 'vitest';
import { onCancelled, onShipped } from './capture';
import type { PaymentStatus } from './store';

const ALL: PaymentStatus[] = ['PROCESSING', 'AUTHORIZED', 'DECLINED', 'VOIDED', 'CAPTURED', 'REFUNDED'];

describe('a payment in two phases', () => {
  it('is captured when its order ships, only from an authorization (a redelivered OrderShipped captures nothing more)', () => {
    expect(ALL.filter((s) => onShipped(s) === 'CAPTURE')).toEqual(['AUTHORIZED']);
  });

  it('is voided when its order is cancelled before capture: nothing was taken, so nothing is refunded', () => {
    expect(onCancelled('AUTHORIZED')).toBe('VOID');
    expect(onCancelled('PROCESSING')).toBe('VOID'); // the late answer then finds it voided
  });

  it('is refunded only once captured, and left alone when declined or already undone', () => {
    expect(ALL.filter((s) => onCancelled(s) === 'REFUND')).toEqual(['CAPTURED']);
    for (const s of ['DECLINED', 'VOIDED', 'REFUNDED'] as const) expect(onCancelled(s)).toBe('NOTHING');
  });
});
