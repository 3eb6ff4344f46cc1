import type { Logger } from '../logger';
import { Backoff, sleep } from './backoff';
import type { DeliveredMessage, MessageHandler } from './bus';
import { eventMetrics } from './metrics';

/** Applies several messages at once (e.g. in one transaction); throw to have them all retried. */
export type BatchHandler = (messages: DeliveredMessage[]) => Promise<void>;

export interface BatchDelivery {
  handler?: MessageHandler;
  handleBatch?: BatchHandler;
  /** Messages with different keys are handled in up to this many parallel lanes. */
  lanes: number;
  /** At most this many messages per handleBatch call. */
  maxBatch: number;
}

/** FNV-1a: a cheap, stable string hash (the lane of a key must not change between batches). */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Splits messages into at most `lanes` lanes by key, keeping their order inside each lane: all
 * messages of one key (one aggregate) land in the same lane, so handling lanes in parallel keeps
 * the order per aggregate while different aggregates proceed side by side.
 */
export function splitIntoLanes<M extends { key: string }>(messages: readonly M[], lanes: number): M[][] {
  if (lanes <= 1) return messages.length ? [[...messages]] : [];
  const out = new Map<number, M[]>();
  for (const m of messages) {
    const lane = hash(m.key) % lanes;
    const list = out.get(lane) ?? [];
    list.push(m);
    out.set(lane, list);
  }
  return [...out.values()];
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

/**
 * Delivers a poll's messages: lanes in parallel, each lane in order, in chunks of `maxBatch`
 * (one handleBatch call each, or the per-message handler one by one). Every chunk is retried
 * until it succeeds, so a failing chunk holds back what follows it in its lane. True once all
 * are handled; false if the subscription closed first (the caller then commits nothing of this
 * poll, and the redelivery is absorbed by the consumers' inbox).
 */
export async function deliverInLanes(
  messages: readonly DeliveredMessage[],
  d: BatchDelivery,
  ctx: { log: Logger; signal: AbortSignal; group: string },
): Promise<boolean> {
  const results = await Promise.all(
    splitIntoLanes(messages, d.lanes).map(async (lane) => {
      for (const part of chunk(lane, d.handleBatch ? d.maxBatch : 1)) {
        const run = d.handleBatch ? () => d.handleBatch!(part) : () => d.handler!(part[0]!);
        if (!(await retryUntilDone(run, part, ctx))) return false;
      }
      return true;
    }),
  );
  return results.every(Boolean);
}

/** Runs `attempt` until it succeeds (at-least-once); false when the subscription closes first. */
export async function retryUntilDone(
  attempt: () => Promise<void>,
  messages: readonly DeliveredMessage[],
  ctx: { log: Logger; signal: AbortSignal; group: string },
): Promise<boolean> {
  const backoff = new Backoff(100, 5_000);
  for (;;) {
    if (ctx.signal.aborted) return false;
    try {
      await attempt();
      return true;
    } catch (err) {
      const first = messages[0]!;
      eventMetrics.handlerFailures.inc({ topic: first.topic, group: ctx.group });
      const delay = backoff.next();
      ctx.log.warn(
        { err, topic: first.topic, partition: first.partition, offset: first.offset, messages: messages.length, attempt: backoff.attempts, retryInMs: delay },
        'event handler failed; retrying the same messages',
      );
      await sleep(delay, ctx.signal);
    }
  }
}
