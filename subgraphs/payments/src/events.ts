import type { Queryable } from '@cloudlab/kit';
import { handleEvents, recordDomainEvent, type EventData } from '@cloudlab/kit/events';
import { config } from './config';
import { authorize } from './provider';
import * as store from './store';
import type { PaymentRow } from './store';

const DOMAIN = 'payments' as const;

/** What payments reacts to: requests to authorize, and cancelled orders to void or refund. */
export const consumes = handleEvents({
  PaymentRequested: (request, q) => requested(q, request),
  OrderCancelled: (cancellation, q) => cancelled(q, cancellation),
});

async function requested(q: Queryable, r: EventData<'PaymentRequested'>) {
  const answer = authorize(r.paymentToken, config.PAYMENT_SLOW_DELAY_MS);
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

/** Compensation: an open authorization is voided, a captured one (confirmed order) refunded. */
async function cancelled(q: Queryable, { orderId, wasConfirmed }: EventData<'OrderCancelled'>) {
  const payment = await store.lockPaymentForOrder(q, orderId);
  if (!payment || (payment.status !== 'PROCESSING' && payment.status !== 'AUTHORIZED')) return; // nothing to undo
  const refund = wasConfirmed === true && payment.status === 'AUTHORIZED';
  await store.setStatus(q, payment.id, refund ? 'REFUNDED' : 'VOIDED');
  await recordDomainEvent(q, DOMAIN, { type: refund ? 'PaymentRefunded' : 'PaymentVoided', aggregateId: orderId, data: { orderId, paymentId: payment.id } });
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
