/**
 * The simulated payment provider, deterministic by token (like a card network's test cards):
 * tok_visa is authorized, tok_declined declined, tok_slow answers too late (authorized after
 * PAYMENT_SLOW_DELAY_MS), anything else is declined as unknown.
 */
export type ProviderAnswer =
  | { outcome: 'AUTHORIZED' }
  | { outcome: 'DECLINED'; reason: string }
  | { outcome: 'LATER'; delayMs: number };

export function authorize(token: string, slowDelayMs: number): ProviderAnswer {
  switch (token) {
    case 'tok_visa':
      return { outcome: 'AUTHORIZED' };
    case 'tok_declined':
      return { outcome: 'DECLINED', reason: 'card declined' };
    case 'tok_slow':
      return { outcome: 'LATER', delayMs: slowDelayMs };
    default:
      return { outcome: 'DECLINED', reason: 'unknown payment token' };
  }
}
