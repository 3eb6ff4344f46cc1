import { describe, expect, it } from 'vitest';
import type { Logger, Queryable } from '@cloudlab/kit';
import { sendDue } from './delivery';

const limits = {
  NOTIFICATIONS_EMAIL_FROM: 'CloudLab <no-reply@cloudlab.dev>',
  NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: 3,
  NOTIFICATIONS_EMAIL_RETRY_BASE_MS: 1_000,
  NOTIFICATIONS_EMAIL_RETRY_MAX_MS: 60_000,
  NOTIFICATIONS_EMAIL_BATCH: 20,
};
const log = { warn: () => undefined } as unknown as Logger;
const mail = (id: string, attempts: number) => ({
  notification_id: id, kind: 'ORDER_CONFIRMED', to_address: `${id}@example.com`, subject: 's', html: '<p>h</p>', text: 't', attempts, event_time: new Date(),
});

/** A transaction that hands out `due` and records every UPDATE's parameters. */
function fakeTx(due: ReturnType<typeof mail>[]) {
  const updates: { sql: string; params: unknown[] }[] = [];
  const q = {
    query: async (sql: string, params: unknown[]) => {
      if (sql.includes('FOR UPDATE SKIP LOCKED')) return { rows: due, rowCount: due.length };
      updates.push({ sql, params });
      return { rows: [], rowCount: 1 };
    },
  } as unknown as Queryable;
  return { q, updates };
}

describe('e-mail delivery', () => {
  it('marks an accepted mail SENT, a refused one for a retry after the backoff, and the last failed attempt DEAD', async () => {
    const { q, updates } = fakeTx([mail('a', 0), mail('b', 1), mail('c', 2)]);
    const sent: string[] = [];
    const smtp = {
      sendMail: async (m: { to: string; messageId: string }) => {
        if (m.to !== 'a@example.com') throw new Error('421 service not available');
        sent.push(m.messageId);
        return {};
      },
    };
    expect(await sendDue(q, smtp as never, log, limits)).toBe(3);
    expect(sent).toEqual(['<a@notifications.cloudlab>']);
    // One statement for the accepted ones (each at its own moment), one for the failed ones.
    expect(updates).toHaveLength(2);
    expect(updates[0]!.sql).toContain("state = 'SENT'");
    expect(updates[0]!.params[0]).toEqual(['a']);
    expect((updates[0]!.params[1] as Date[])[0]).toBeInstanceOf(Date);
    // b: second attempt failed → retry in 2 s; c: third (last) attempt failed → DEAD (no retry).
    expect(updates[1]!.sql).toContain("'DEAD'");
    expect(updates[1]!.params).toEqual([['b', 'c'], ['421 service not available', '421 service not available'], [2_000, null]]);
  });

  it('sends the batch in parallel (over the pooled connections), not one mail after the other', async () => {
    const { q } = fakeTx([mail('a', 0), mail('b', 0), mail('c', 0)]);
    let inFlight = 0;
    let release = () => undefined as void;
    const allIn = new Promise<void>((r) => (release = r));
    const smtp = {
      sendMail: async () => {
        if (++inFlight === 3) release();
        await allIn; // resolves only once all three are in flight at the same time
        return {};
      },
    };
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('sent one by one')), 2_000));
    expect(await Promise.race([sendDue(q, smtp as never, log, limits), timeout])).toBe(3);
  });
});
