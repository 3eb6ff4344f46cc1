import { describe, expect, it } from 'vitest';
import type { Db, Logger } from '@cloudlab/kit';
import { createMailTransport } from './delivery';
import { startDevMailbox } from './dev-mailbox';

describe('development mailbox', () => {
  it('receives a nodemailer message over SMTP and keeps its subject, addresses and both parts', async () => {
    const saved: unknown[][] = [];
    const db = { query: async (_sql: string, params: unknown[]) => (saved.push(params), { rows: [], rowCount: 1 }) } as unknown as Db;
    const log = { info: () => undefined, error: () => undefined } as unknown as Logger;
    const url = await startDevMailbox(db, log);
    const transport = createMailTransport(url);
    await transport.sendMail({
      from: 'CloudLab <no-reply@cloudlab.dev>', to: 'ann@example.com', subject: 'Order 1 confirmed',
      html: '<p>Hello <b>Ann</b></p>', text: 'Hello Ann', messageId: '<n-1@notifications.cloudlab>',
    });
    transport.close();
    expect(saved).toEqual([['<n-1@notifications.cloudlab>', '"CloudLab" <no-reply@cloudlab.dev>', 'ann@example.com', 'Order 1 confirmed', '<p>Hello <b>Ann</b></p>', 'Hello Ann']]);
  });
});
