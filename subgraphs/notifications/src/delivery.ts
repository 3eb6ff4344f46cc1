import { Counter, Histogram, registry, type Db, type Logger, type Queryable } from '@cloudlab/kit';
import nodemailer, { type Transporter } from 'nodemailer';
import { config } from './config';
import { startDevMailbox } from './dev-mailbox';
import { retryDelayMs } from './email';
import * as store from './store';

const emails = new Counter({
  name: 'cloudlab_notification_emails_total',
  help: 'E-mail attempts by kind and outcome: sent, failed (to be retried), dead (no attempt left)',
  labelNames: ['kind', 'outcome'],
  registers: [registry],
});
const lag = new Histogram({
  name: 'cloudlab_notification_email_lag_seconds',
  help: 'From the event that made a notification to its e-mail accepted by the SMTP server',
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [registry],
});

/** Full batches one timer tick sends at most before it lets the next tick (and shutdown) in. */
const MAX_BATCHES_PER_TICK = 100;

let transport: Promise<Transporter> | undefined;

/** SMTP_URL's server, or the development mailbox started on first use (one per process). */
function mailer(db: Db, log: Logger): Promise<Transporter> {
  return (transport ??= (async () => {
    return createMailTransport(config.SMTP_URL ?? (await startDevMailbox(db, log)), config.NOTIFICATIONS_EMAIL_CONNECTIONS);
  })());
}

/** Pooled SMTP to `url`, with short timeouts: a delivery transaction holds its rows while it talks to the server. */
export function createMailTransport(url: string, maxConnections = 5): Transporter {
  return nodemailer.createTransport({ url, pool: true, maxConnections, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 });
}

/**
 * Sends the due mail of the outbox (the `email` timer). Rows are locked for the transaction and
 * marked in it, so a crash before the commit leaves them PENDING: sent again later, never lost.
 * A crash after the server accepted a mail but before the commit can therefore send it twice;
 * the Message-ID is the notification's id, the same on every attempt, so a receiver (and the
 * development mailbox) can tell it is one mail. Batch after batch while they come full, so a
 * backlog drains at the speed of the SMTP server rather than one batch per poll.
 */
export async function deliverDue(db: Db, log: Logger): Promise<number> {
  const smtp = await mailer(db, log);
  let total = 0;
  for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
    const n = await db.tx((q) => sendDue(q, smtp, log, config));
    total += n;
    if (n < config.NOTIFICATIONS_EMAIL_BATCH) break;
  }
  return total;
}

type Limits = Pick<
  typeof config,
  'NOTIFICATIONS_EMAIL_FROM' | 'NOTIFICATIONS_EMAIL_MAX_ATTEMPTS' | 'NOTIFICATIONS_EMAIL_RETRY_BASE_MS' | 'NOTIFICATIONS_EMAIL_RETRY_MAX_MS' | 'NOTIFICATIONS_EMAIL_BATCH'
>;

/**
 * One delivery transaction's work: the due mail (up to NOTIFICATIONS_EMAIL_BATCH, locked) sent in
 * parallel over the transport's pooled connections, then each marked SENT (at the moment its
 * server accepted it), to retry after its backoff, or DEAD after the last attempt: two statements.
 */
export async function sendDue(q: Queryable, smtp: Pick<Transporter, 'sendMail'>, log: Logger, limits: Limits): Promise<number> {
  const due = await store.claimDueEmails(q, limits.NOTIFICATIONS_EMAIL_BATCH);
  const sent: { id: string; at: Date }[] = [];
  const failed: { id: string; error: string; retryInMs: number | null }[] = [];
  await Promise.all(
    due.map(async (mail) => {
      try {
        await smtp.sendMail({
          from: limits.NOTIFICATIONS_EMAIL_FROM,
          to: mail.to_address,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: `<${mail.notification_id}@notifications.cloudlab>`,
        });
        sent.push({ id: mail.notification_id, at: new Date() });
        emails.inc({ kind: mail.kind, outcome: 'sent' });
        lag.observe((Date.now() - mail.event_time.getTime()) / 1000);
      } catch (err) {
        const attempts = mail.attempts + 1;
        const retry = attempts >= limits.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS ? null : retryDelayMs(attempts, limits.NOTIFICATIONS_EMAIL_RETRY_BASE_MS, limits.NOTIFICATIONS_EMAIL_RETRY_MAX_MS);
        failed.push({ id: mail.notification_id, error: (err as Error).message, retryInMs: retry });
        emails.inc({ kind: mail.kind, outcome: retry === null ? 'dead' : 'failed' });
        log.warn({ err, notificationId: mail.notification_id, attempts, retryInMs: retry }, retry === null ? 'e-mail dead after its last attempt' : 'e-mail failed; will retry');
      }
    }),
  );
  await store.markEmailsSent(q, sent);
  await store.markEmailsFailed(q, failed);
  return due.length;
}
