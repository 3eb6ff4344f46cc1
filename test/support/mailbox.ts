import { createServer, Socket, type Server } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as an SMTP server received it (every receipt counts: no de-duplication). */
export interface Mail {
  messageId: string | null;
  to: string;
  subject: string;
  html: string | null;
  text: string | null;
}

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

async function parse(raw: string | NodeJS.ReadableStream): Promise<Mail> {
  const m = await simpleParser(raw as Parameters<typeof simpleParser>[0]);
  return { messageId: m.messageId ?? null, to: addresses(m.to), subject: m.subject ?? '', html: typeof m.html === 'string' ? m.html : null, text: m.text ?? null };
}

/**
 * Where the notifications subgraph's mail goes in this run, and how to read it back: with SMTP_URL
 * set (CI's real-service leg, ops/services/greenmail.sh) a real GreenMail server, read through
 * its REST API (GREENMAIL_API_URL); unset, notifications' in-process development mailbox, read at
 * `/dev/mailbox.json` on notifications' port.
 */
export function mailServer(notificationsUrl: string): { kind: 'greenmail' | 'development'; smtpUrl: string | null; read: (to: string, messageId?: string) => Promise<Mail[]> } {
  const smtpUrl = process.env.SMTP_URL || null;
  if (smtpUrl) {
    const api = process.env.GREENMAIL_API_URL;
    if (!api) throw new Error('SMTP_URL is set but GREENMAIL_API_URL is not: the tests cannot read that server’s mail (see ops/services/greenmail.sh)');
    return { kind: 'greenmail', smtpUrl, read: (to, messageId) => greenMail(api, to, messageId) };
  }
  return {
    kind: 'development',
    smtpUrl: null,
    read: async (to, messageId) => {
      const res = await fetch(new URL(`/dev/mailbox.json?to=${encodeURIComponent(to)}`, notificationsUrl));
      if (!res.ok) throw new Error(`development mailbox answered ${res.status}`);
      const rows = (await res.json()) as { message_id: string | null; to_address: string; subject: string; html: string | null; text: string | null }[];
      return rows
        .filter((r) => messageId === undefined || r.message_id === messageId)
        .map((r) => ({ messageId: r.message_id, to: r.to_address, subject: r.subject, html: r.html, text: r.text }));
    },
  };
}

/**
 * GreenMail's REST API: a mailbox exists once mail arrived for it (before that: 4xx, i.e. none).
 * With `messageId`, only those messages are parsed (a demo customer's inbox grows over a run).
 */
async function greenMail(api: string, to: string, messageId?: string): Promise<Mail[]> {
  const res = await fetch(new URL(`/api/user/${encodeURIComponent(to)}/messages/INBOX`, api));
  if (res.status === 400 || res.status === 404) return [];
  if (!res.ok) throw new Error(`GreenMail API answered ${res.status}: ${await res.text()}`);
  const messages = (await res.json()) as { 'Message-ID'?: string; mimeMessage: string }[];
  return Promise.all(messages.filter((m) => messageId === undefined || m['Message-ID'] === messageId).map((m) => parse(m.mimeMessage)));
}

/** A real SMTP server in the test process (smtp-server) that keeps every message it accepts. */
export async function startSmtpSink(): Promise<{ url: string; mails: Mail[]; read: (to: string) => Promise<Mail[]>; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      parse(stream).then((m) => (mails.push(m), callback()), (err: Error) => callback(err));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    read: async (to) => mails.filter((m) => m.to === to),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A TCP port that forwards to an SMTP server and can be taken down and brought back: down, the
 * port refuses connections (and open ones are cut), as when a mail server is stopped.
 */
export async function smtpGate(upstream: string, port: number): Promise<{ url: string; up: () => Promise<void>; down: () => Promise<void> }> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const down = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const up = async () => {
    if (server) return;
    const s = createServer((client) => {
      const remote = new Socket();
      sockets.add(client).add(remote);
      const drop = () => (client.destroy(), remote.destroy(), sockets.delete(client), sockets.delete(remote));
      client.on('error', drop).on('close', drop);
      remote.on('error', drop).on('close', drop);
      remote.connect(Number(target.port), target.hostname, () => (client.pipe(remote), remote.pipe(client)));
    });
    await new Promise<void>((resolve, reject) => (s.once('error', reject), s.listen(port, '127.0.0.1', () => resolve())));
    server = s;
  };
  return { url: `smtp://127.0.0.1:${port}`, up, down };
}
