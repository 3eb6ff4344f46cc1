import { z } from 'zod';
import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Notifications' settings (README configuration table). */
export const config = loadConfigOrExit({
  // LOW_STOCK goes to the vendor when a product's available stock drops below this (once per crossing).
  NOTIFICATIONS_LOW_STOCK_THRESHOLD: env.int(5, 1),
  // Notifications older than this many days are deleted (hourly check).
  NOTIFICATIONS_RETENTION_DAYS: env.int(90, 1),
  // Where mail goes: an SMTP server (smtp://user:pass@host:port, smtps://…); unset: the development
  // mailbox (an SMTP server inside this process, read at /dev/mailbox on this subgraph's port).
  SMTP_URL: env.url().optional(),
  NOTIFICATIONS_EMAIL_FROM: z.string().default('CloudLab <no-reply@cloudlab.dev>'),
  // Absolute links in e-mails: the storefront's origin in front of the notification's path.
  STOREFRONT_URL: env.url().default('http://localhost:3000'),
  // Delivery: due mail is looked for this often; a failed send is retried after 1 s, 2 s, 4 s, …
  // (capped), and after the last attempt the mail is DEAD (kept, never sent).
  NOTIFICATIONS_EMAIL_POLL_MS: env.int(250, 10),
  // Due mails one delivery transaction claims (FOR UPDATE SKIP LOCKED) and sends at once; a full
  // batch is followed by the next at once (the outbox is drained, not sipped every poll).
  NOTIFICATIONS_EMAIL_BATCH: env.int(50, 1),
  // SMTP connections each instance keeps open (nodemailer's pool): the batch's mails go out over them in parallel.
  NOTIFICATIONS_EMAIL_CONNECTIONS: env.int(5, 1),
  NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: env.int(8, 1),
  NOTIFICATIONS_EMAIL_RETRY_BASE_MS: env.int(1_000, 1),
  NOTIFICATIONS_EMAIL_RETRY_MAX_MS: env.int(300_000, 1),
});
