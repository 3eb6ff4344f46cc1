import type { PaymentStatus } from './store';

/**
 * Two phases with the provider: authorize at checkout, capture when the order ships. What
 * happens to a payment in `status` when its order ships or is cancelled:
 * - shipped: an authorization is captured; anything else has nothing to capture (already
 *   captured — a redelivered event — or never authorized).
 * - cancelled: an authorization (or one still being answered) is voided — nothing was taken, so
 *   nothing is refunded; only a captured payment is refunded, and only what was captured.
 */
export function onShipped(status: PaymentStatus): 'CAPTURE' | 'NOTHING' {
  return status === 'AUTHORIZED' ? 'CAPTURE' : 'NOTHING';
}

export function onCancelled(status: PaymentStatus): 'VOID' | 'REFUND' | 'NOTHING' {
  if (status === 'PROCESSING' || status === 'AUTHORIZED') return 'VOID';
  return status === 'CAPTURED' ? 'REFUND' : 'NOTHING';
}
