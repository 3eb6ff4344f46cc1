import type { Db, Logger, SubgraphDefinition } from '@cloudlab/kit';

type App = Parameters<NonNullable<SubgraphDefinition['routes']>>[0];
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import * as store from './store';

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

/**
 * The development mailbox (SMTP_URL unset): a real SMTP server inside this process on a free
 * local port, so nodemailer speaks SMTP exactly as with a real server; what arrives is parsed
 * (mailparser) and kept in `dev_mailbox`, readable at /dev/mailbox. Returns the URL to send to.
 */
export async function startDevMailbox(db: Db, log: Logger): Promise<string> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) =>
          store.saveDevMail(db, {
            message_id: mail.messageId ?? null,
            from_address: addresses(mail.from),
            to_address: addresses(mail.to),
            subject: mail.subject ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
            text: mail.text ?? null,
          }),
        )
        .then(() => callback(), (err: Error) => callback(err));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', (err) => log.error({ err }, 'development mailbox: SMTP server error'));
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
    server.server.once('error', reject);
  });
  server.server.unref(); // never what keeps the process alive
  log.info({ port }, 'development mailbox: SMTP server listening (SMTP_URL unset); read mail at /dev/mailbox');
  return `smtp://127.0.0.1:${port}`;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** GET /dev/mailbox (HTML, newest first) and /dev/mailbox.json?to=address, only without SMTP_URL. */
export function devMailboxRoutes(app: App, db: Db): void {
  app.get('/dev/mailbox.json', async (req) => {
    const to = (req.query as { to?: string }).to ?? null;
    return store.devMails(db, to, 100);
  });
  app.get('/dev/mailbox', async (_req, reply) => {
    const mails = await store.devMails(db, null, 50);
    const items = mails.map(
      (m) => `<article><h2>${escape(m.subject)}</h2><p>to ${escape(m.to_address)} · ${m.received_at.toISOString()}</p>
<iframe sandbox style="width:100%;height:18em;border:1px solid #ccc" srcdoc="${escape(m.html ?? '')}"></iframe>
<details><summary>text part</summary><pre>${escape(m.text ?? '')}</pre></details></article>`,
    );
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><meta charset="utf-8"><title>Development mailbox</title><body style="font-family:sans-serif;max-width:60em;margin:auto">
<h1>Development mailbox</h1><p>${mails.length} newest messages sent by notifications (SMTP_URL is unset).</p>${items.join('\n<hr>')}</body>`;
  });
}
