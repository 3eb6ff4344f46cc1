import type { Queryable } from '@cloudlab/kit';

export type PaymentStatus = 'PROCESSING' | 'AUTHORIZED' | 'DECLINED' | 'VOIDED' | 'CAPTURED' | 'REFUNDED';
export interface PaymentRow {
  id: string;
  order_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  token: string;
  status: PaymentStatus;
  decline_reason: string | null;
  answer_at: Date | null;
  /** What the provider captured when the order shipped; the most a refund returns. */
  captured_amount: string | null;
  created_at: Date;
}

const COLUMNS = 'id, order_id, customer_id, amount, currency, token, status, decline_reason, answer_at, captured_amount, created_at';

/** Creates the order's payment once; a second request for the same order returns null. */
export async function insertPayment(
  q: Queryable,
  p: { orderId: string; customerId: string; amount: string; currency: string; token: string; status: PaymentStatus; declineReason?: string; answerAt?: Date },
): Promise<PaymentRow | null> {
  const { rows } = await q.query<PaymentRow>(
    `INSERT INTO payments (order_id, customer_id, amount, currency, token, status, decline_reason, answer_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING RETURNING ${COLUMNS}`,
    [p.orderId, p.customerId, p.amount, p.currency, p.token, p.status, p.declineReason ?? null, p.answerAt ?? null],
  );
  return rows[0] ?? null;
}

export async function lockPaymentForOrder(q: Queryable, orderId: string): Promise<PaymentRow | null> {
  const { rows } = await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1 FOR UPDATE`, [orderId]);
  return rows[0] ?? null;
}

export async function setStatus(q: Queryable, id: string, status: PaymentStatus, declineReason: string | null = null) {
  await q.query('UPDATE payments SET status = $2, decline_reason = coalesce($3, decline_reason), updated_at = now() WHERE id = $1', [id, status, declineReason]);
}

export async function setCaptured(q: Queryable, id: string, amount: string) {
  await q.query(`UPDATE payments SET status = 'CAPTURED', captured_amount = $2, updated_at = now() WHERE id = $1`, [id, amount]);
}

/** Slow authorizations whose answer is due, locked so two instances do not answer one twice. */
export async function dueAnswers(q: Queryable, limit = 100): Promise<PaymentRow[]> {
  return (
    await q.query<PaymentRow>(
      `SELECT ${COLUMNS} FROM payments WHERE status = 'PROCESSING' AND answer_at <= now()
       ORDER BY answer_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )
  ).rows;
}

export async function paymentsByIds(q: Queryable, ids: readonly string[]): Promise<PaymentRow[]> {
  return (await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

export async function paymentsByOrders(q: Queryable, orderIds: readonly string[]): Promise<PaymentRow[]> {
  return (await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = ANY($1::uuid[])`, [orderIds])).rows;
}
