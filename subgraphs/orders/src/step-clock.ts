import { Histogram, registry } from '@cloudlab/kit';

/**
 * The saga's step clock. A step's deadline runs from when its request was recorded; under load
 * the request may sit in the step consumer's backlog for longer than the step timeout, and an
 * order cancelled then would be cancelled for the saga's own slowness. So an overdue order is
 * given up only when the step's consumer has provably picked its request up:
 *   - the consumer group has no backlog on the topic (everything published was consumed), or
 *   - the consumer already answered a request that was made after this order's (its watermark
 *     is past this order's step start: the consumer works through requests in order).
 * Otherwise the deadline waits. A step whose consumer took the request and never answers (the
 * slow payment provider) still times out; so does every overdue order once the backlog clears.
 */
export type Step = 'reservation' | 'payment';

/** The consumer group that performs each step (the subgraph's name). */
export const STEP_CONSUMER: Record<Step, string> = { reservation: 'inventory', payment: 'payments' };

export const stepOf = (status: string): Step | undefined =>
  status === 'PENDING' ? 'reservation' : status === 'STOCK_RESERVED' ? 'payment' : undefined;

/** Per step, the latest step start among the orders whose step the consumer has answered. */
const watermark = new Map<Step, number>();

export const stepLatency = new Histogram({
  name: 'cloudlab_saga_step_seconds',
  help: 'Time from a saga step\'s start (its request recorded) to its answer, by step and outcome',
  labelNames: ['step', 'outcome'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** An answer (success or failure) to a step that started at `startedAt` arrived. */
export function stepAnswered(step: Step, startedAt: Date, outcome: 'ok' | 'failed', now = Date.now()): void {
  stepLatency.observe({ step, outcome }, Math.max(0, now - startedAt.getTime()) / 1000);
  if (startedAt.getTime() > (watermark.get(step) ?? 0)) watermark.set(step, startedAt.getTime());
}

/** Whether an overdue order whose step started at `startedAt` may be cancelled now. */
export function mayTimeOut(step: Step, startedAt: Date, consumerBacklog: number): boolean {
  return consumerBacklog === 0 || (watermark.get(step) ?? 0) >= startedAt.getTime();
}

/** For tests: forget what was answered. */
export function resetStepClock(): void {
  watermark.clear();
}
