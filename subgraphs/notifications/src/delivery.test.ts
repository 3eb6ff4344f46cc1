import { describe, expect, it } from 'vitest';
import type { Logger, Queryable } from '@cloudlab/kit';
import { sendDue } from './delivery';

const limits = {
  NOTIFICATIONS_EMAIL_FROM: 'CloudLab <no-reply@cloudlab.dev>',
  NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: 3,
  NOTIFICATIONS_EMAIL_RETRY_BASE_MS: 1_000,
  NOTIFICATIONS_EMAIL_RETRY_MAX_MS: 60_000,
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
    expect(updates[0]!.sql).toContain("state = 'SENT'");
    expect(updates[0]!.params).toEqual(['a']);
    // b: second attempt failed → retry in 2 s; c: third (last) attempt failed → DEAD (no retry).
    expect(updates.slice(1).map((u) => u.params)).toEqual([
      ['b', '421 service not available', 2_000],
      ['c', '421 service not available', null],
    ]);
  });
});
