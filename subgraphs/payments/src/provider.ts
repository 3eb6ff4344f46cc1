import type { Queryable } from '@cloudlab/kit';

/**
 * The simulated payment provider, deterministic by token (like a card network's test cards):
 * tok_visa is authorized, tok_declined declined, tok_slow answers too late (authorized after
 * PAYMENT_SLOW_DELAY_MS), anything else is declined as unknown. Captures, voids and refunds of
 * an authorization it gave always succeed.
 */
export type ProviderAnswer =
  | { outcome: 'AUTHORIZED' }
  | { outcome: 'DECLINED'; reason: string }
  | { outcome: 'LATER'; delayMs: number }
  | { outcome: 'CAPTURED' | 'VOIDED' | 'REFUNDED'; amount: string };

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

export type ProviderRequest =
  | { operation: 'authorize'; token: string; amount: string; currency: string }
  | { operation: 'capture' | 'void' | 'refund'; paymentId: string; amount: string; currency: string };

/** What the provider answers to a request, the first time it sees its idempotency key. */
export function answerTo(request: ProviderRequest, slowDelayMs: number): ProviderAnswer {
  if (request.operation === 'authorize') return authorize(request.token, slowDelayMs);
  const outcome = ({ capture: 'CAPTURED', void: 'VOIDED', refund: 'REFUNDED' } as const)[request.operation];
  return { outcome, amount: request.amount };
}

/**
 * Calls the provider with an idempotency key (e.g. `capture:<paymentId>`): the first call is
 * answered and recorded in the provider's ledger; a repeat with the same key gets the recorded
 * answer, never a second charge. Reusing a key for a different request is a bug and throws, as a
 * real provider refuses it.
 */
export async function callProvider(q: Queryable, idempotencyKey: string, request: ProviderRequest, slowDelayMs = 0): Promise<ProviderAnswer> {
  const fresh = answerTo(request, slowDelayMs);
  const { rows } = await q.query<{ request: ProviderRequest; answer: ProviderAnswer }>(
    `INSERT INTO provider_calls (idempotency_key, operation, request, answer) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
     RETURNING request, answer`,
    [idempotencyKey, request.operation, JSON.stringify(request), JSON.stringify(fresh)],
  );
  const recorded = rows[0]!;
  if (!sameRequest(recorded.request, request)) {
    throw new Error(`provider: idempotency key ${idempotencyKey} was used for a different request`);
  }
  return recorded.answer;
}

/** Field by field: the ledger's jsonb does not keep the order of keys. */
export function sameRequest(a: ProviderRequest, b: ProviderRequest): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
