import type { Queryable } from '@cloudlab/kit';
import { handleEvents, recordDomainEvent, type EventData } from '@cloudlab/kit/events';
import { onCancelled, onShipped } from './capture';
import { config } from './config';
import { callProvider } from './provider';
import * as store from './store';
import type { PaymentRow } from './store';

const DOMAIN = 'payments' as const;

/**
 * What payments reacts to: requests to authorize, shipped orders to capture, cancelled orders to
 * void (or refund, if captured). Every provider call carries an idempotency key naming the
 * operation and its payment or order, so a redelivered event never charges twice.
 */
export const consumes = handleEvents({
  PaymentRequested: (request, q) => requested(q, request),
  OrderShipped: ({ orderId }, q) => shipped(q, orderId),
  OrderCancelled: ({ orderId }, q) => cancelled(q, orderId),
});

async function requested(q: Queryable, r: EventData<'PaymentRequested'>) {
  const answer = await callProvider(
    q,
    `authorize:${r.orderId}`,
    { operation: 'authorize', token: r.paymentToken, amount: r.amount, currency: r.currency },
    config.PAYMENT_SLOW_DELAY_MS,
  );
  if (answer.outcome !== 'AUTHORIZED' && answer.outcome !== 'DECLINED' && answer.outcome !== 'LATER') return;
  const payment = await store.insertPayment(q, {
    orderId: r.orderId,
    customerId: r.customerId,
    amount: r.amount,
    currency: r.currency,
    token: r.paymentToken,
    status: answer.outcome === 'LATER' ? 'PROCESSING' : answer.outcome,
    declineReason: answer.outcome === 'DECLINED' ? answer.reason : undefined,
    answerAt: answer.outcome === 'LATER' ? new Date(Date.now() + answer.delayMs) : undefined,
  });
  if (!payment) return; // this order was already charged once: never twice
  if (answer.outcome === 'AUTHORIZED') await authorized(q, payment);
  if (answer.outcome === 'DECLINED') {
    await recordDomainEvent(q, DOMAIN, { type: 'PaymentFailed', aggregateId: r.orderId, data: { orderId: r.orderId, paymentId: payment.id, reason: answer.reason } });
  }
}

function authorized(q: Queryable, payment: PaymentRow) {
  return recordDomainEvent(q, DOMAIN, { type: 'PaymentAuthorized', aggregateId: payment.order_id, data: { orderId: payment.order_id, paymentId: payment.id } });
}

/** Second phase: the order shipped, so the authorized amount is captured. */
async function shipped(q: Queryable, orderId: string) {
  const payment = await store.lockPaymentForOrder(q, orderId);
  if (!payment || onShipped(payment.status) !== 'CAPTURE') return;
  const { amount, currency, id: paymentId } = payment;
  const answer = await callProvider(q, `capture:${paymentId}`, { operation: 'capture', paymentId, amount, currency });
  if (answer.outcome !== 'CAPTURED') return;
  await store.setCaptured(q, paymentId, answer.amount);
  await recordDomainEvent(q, DOMAIN, { type: 'PaymentCaptured', aggregateId: orderId, data: { orderId, paymentId, amount: answer.amount, currency } });
}

/** Compensation: an authorization is voided (nothing was taken); a captured payment refunded, as much as was captured. */
async function cancelled(q: Queryable, orderId: string) {
  const payment = await store.lockPaymentForOrder(q, orderId);
  if (!payment) return;
  const action = onCancelled(payment.status);
  if (action === 'NOTHING') return;
  const { currency, id: paymentId } = payment;
  if (action === 'VOID') {
    await callProvider(q, `void:${paymentId}`, { operation: 'void', paymentId, amount: payment.amount, currency });
    await store.setStatus(q, paymentId, 'VOIDED');
    await recordDomainEvent(q, DOMAIN, { type: 'PaymentVoided', aggregateId: orderId, data: { orderId, paymentId } });
    return;
  }
  await callProvider(q, `refund:${paymentId}`, { operation: 'refund', paymentId, amount: payment.captured_amount!, currency });
  await store.setStatus(q, paymentId, 'REFUNDED');
  await recordDomainEvent(q, DOMAIN, { type: 'PaymentRefunded', aggregateId: orderId, data: { orderId, paymentId } });
}

/** Answers slow authorizations that are due (the provider "calls back"). */
export async function answerDue(db: { tx: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T> }): Promise<number> {
  return db.tx(async (q) => {
    const due = await store.dueAnswers(q);
    for (const payment of due) {
      await store.setStatus(q, payment.id, 'AUTHORIZED');
      await authorized(q, payment);
    }
    return due.length;
  });
}
