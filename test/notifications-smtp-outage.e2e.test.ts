import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, gql } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { liveClient, metric } from './support/live';
import { mailServer, smtpGate, startSmtpSink, type Mail } from './support/mailbox';
import { freePort } from './support/ports';
import { until } from './support/poll';

/**
 * The mail server goes away and comes back. For this story the stack's notifications process is
 * swapped for one of the same service (same port, database, consumer group and bus) whose SMTP_URL
 * is a gate this test opens and closes in front of the run's real SMTP server (GreenMail in CI's
 * real-service leg, else an SMTP server in this process), with retry timings short enough for a
 * test. Afterwards the stack's own notifications is started again, as it was.
 */
const ROOT = path.join(__dirname, '..');
const notifications = contract('notifications');
const marketplace = contract('marketplace');
const commerce = contract('commerce');
const url = () => inject('subgraphUrls').notifications!;
const base = () => new URL('/', url()).toString();
const control = (action: 'stop' | 'start', name: string) => fetch(`${inject('controlUrl')}/${action}/${name}`, { method: 'POST' });

let instance: ChildProcess | undefined;
let swapped = false;
let gate: Awaited<ReturnType<typeof smtpGate>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
let read: (to: string) => Promise<Mail[]>;
const closers: (() => unknown)[] = [];

async function startNotifications(smtpUrl: string): Promise<void> {
  const port = new URL(url()).port;
  const kafka = process.env.KAFKA_BROKERS ?? '';
  instance = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs', 'notifications', 'src', 'server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'error',
      OTEL_SDK_DISABLED: 'true',
      APOLLO_TELEMETRY_DISABLED: '1',
      PORT: port,
      INTERNAL_SECRET: inject('internalSecret'),
      DATABASE_URL: inject('databaseUrl'),
      DB_PREFIX: inject('dbPrefix'),
      KAFKA_BROKERS: kafka,
      KAFKA_NAMESPACE: kafka ? inject('dbPrefix') : '',
      SMTP_URL: smtpUrl,
      // Quick retries for the test: due mail looked for every 100 ms, retried after 0.2, 0.4, 0.8, 1, 1, … s.
      NOTIFICATIONS_EMAIL_POLL_MS: '100',
      NOTIFICATIONS_EMAIL_RETRY_BASE_MS: '200',
      NOTIFICATIONS_EMAIL_RETRY_MAX_MS: '1000',
      NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 1200; i++) {
    if (instance.exitCode !== null) throw new Error(`notifications exited with ${instance.exitCode}`);
    if (await fetch(new URL('/readyz', base())).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('notifications did not start');
}

beforeAll(async () => {
  const server = mailServer(base());
  let upstream: string;
  if (server.smtpUrl) {
    upstream = server.smtpUrl;
    read = server.read;
  } else {
    sink = await startSmtpSink();
    upstream = sink.url;
    read = sink.read;
  }
  gate = await smtpGate(upstream, await freePort()); // down: nothing listens on its port yet
  expect((await control('stop', 'notifications')).status).toBe(200);
  swapped = true;
  await startNotifications(gate.url);
}, 180_000);

afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
  if (instance && instance.exitCode === null) {
    const exited = new Promise((r) => instance!.once('exit', r));
    instance.kill('SIGTERM');
    await exited;
  }
  if (swapped) expect((await control('start', 'notifications')).status).toBe(200);
  await gate?.down();
  await sink?.close();
  await closeDbs();
}, 180_000);

describe('an SMTP outage', () => {
  it('orders still confirm and notify in-app; the e-mail waits in the outbox, is retried, and arrives exactly once when the server is back', async () => {
    const email = `outage-${randomUUID().slice(0, 8)}@example.com`;
    const signed = await gql(marketplace, { operationName: 'SignUp', variables: { input: { email, password: 'mail me when it works', name: 'Otto Outage' } } });
    expect(signed.body.errors).toBeUndefined();
    const token: string = signed.body.data.signUp.accessToken;
    const stocked = await gql('{ products(first: 50) { edges { node { id stock { available } } } } }');
    const productId = stocked.body.data.products.edges.map((e: any) => e.node).find((p: any) => p.stock.available >= 5).id;

    const client = liveClient({ token });
    closers.push(() => client.close());
    const stream = client.subscribe(notifications, {}, 'NotificationAdded');
    await expect.poll(() => metric(base(), 'cloudlab_subgraph_subscriptions'), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);

    // The mail server is unreachable: the order goes through all the same.
    const input = { lines: [{ productId, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const placed = await gql(commerce, { operationName: 'PlaceOrder', token, variables: { input } });
    expect(placed.body.errors).toBeUndefined();
    const orderId: string = placed.body.data.placeOrder.id;
    const live = await stream.until((m) => m.data?.notificationAdded?.kind === 'ORDER_CONFIRMED', 15_000);
    const n = live.data.notificationAdded;
    expect(n.link).toBe(`/orders/${orderId}`);
    const status = await gql('query($id: ID!) { order(id: $id) { status } }', { token, variables: { id: orderId } });
    expect(status.body.data.order.status).toBe('CONFIRMED');
    const feed = await gql(notifications, { operationName: 'MyNotifications', token, variables: { unreadOnly: true, first: 10 } });
    expect(feed.body.data.me.notifications.edges.map((e: any) => e.node.id)).toEqual([n.id]);

    // Its e-mail waits in the outbox and is tried again and again, and nothing reached the server.
    const outbox = async () =>
      (await subgraphDb('notifications').query<{ state: string; attempts: number; last_error: string | null }>(
        'SELECT state, attempts, last_error FROM email_outbox WHERE notification_id = $1', [n.id],
      )).rows[0];
    const waiting = (await until(async () => {
      const row = await outbox();
      return row && row.attempts >= 3 ? row : undefined;
    }, 'three failed attempts', 20_000))!;
    expect(waiting.state).toBe('PENDING');
    expect(waiting.last_error).toBeTruthy();
    expect(await metric(base(), 'cloudlab_notification_emails_total', { kind: 'ORDER_CONFIRMED', outcome: 'failed' })).toBeGreaterThanOrEqual(3);
    expect(await read(email)).toEqual([]);

    // The server is back: the next retry delivers it, once.
    await gate.up();
    const mine = async () => (await read(email)).filter((m) => m.messageId === `<${n.id}@notifications.cloudlab>`);
    await expect.poll(async () => (await mine()).length, { timeout: 15_000, interval: 100 }).toBe(1);
    const sent = (await until(async () => {
      const row = await outbox();
      return row?.state === 'SENT' ? row : undefined;
    }, 'the outbox row marked SENT', 5_000))!;
    expect(sent.attempts).toBeGreaterThan(waiting.attempts);
    // Several more delivery rounds later, still one.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await read(email)).toHaveLength(1);
    const [mail] = await mine();
    expect(mail!.subject).toBe(n.title);
    expect(mail!.html).toContain(`/orders/${orderId}"`);
    expect(mail!.text).toContain(`/orders/${orderId}`);
  }, 90_000);
});
