import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Db, databaseUrl } from '@cloudlab/kit';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { gatewayClient, metric } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench subscriptions [--subscribers N] [--events E] [--distinct] [--quick]`: opens N
 * graphql-ws connections (default 1,000, at most 10,000) to one gateway of a fresh stack, each
 * with the contract's `StockChanged` subscription, then has vendor staff restock: first E
 * restocks one at a time (latency from sending the mutation to each subscriber's message, which
 * carries `product { name }` from catalog), then a burst (throughput). Reports delivery latency
 * p50/p95/p99, events and deliveries per second, and the gateway's memory per subscriber (RSS and
 * heap growth over the idle baseline). By default every subscriber asks for the same products, so
 * the gateway shares one upstream subscription; `--distinct` gives each its own variables (one
 * upstream subscription and one per-event resolution each: the worst case).
 */
async function main() {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const quick = process.argv.includes('--quick');
  const distinct = process.argv.includes('--distinct');
  const subscribers = Math.min(10_000, Math.max(1, arg('subscribers', quick ? 200 : 1000)));
  const events = arg('events', quick ? 10 : 30);
  const burst = arg('burst', quick ? 10 : 40);
  const stack = await benchStack({
    env: { SEED_PRODUCTS: '2000', SEED_REVIEWS: '2000', RATE_LIMIT_USER_PER_MIN: '100000000', RATE_LIMIT_ANON_PER_MIN: '100000000', SUBSCRIPTIONS_MAX_CONNECTIONS_PER_IP: '100000', SUBSCRIPTIONS_CONNECTS_PER_IP_PER_MIN: '100000' },
    output: (name, line) => /"level":(50|60)|Error|FATAL|exited/.test(line) && process.stderr.write(`[${name}] ${line}\n`),
  });
  const gatewayBase = new URL('/', stack.gatewayUrl).toString();
  const inventoryBase = new URL('/', stack.subgraphUrls.inventory).toString();
  const inventoryDb = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}inventory`), 2);
  const clients: Client[] = [];
  try {
    const operations = readFileSync(path.join(ROOT, 'clients', 'operations', 'live.graphql'), 'utf8');
    const commerce = readFileSync(path.join(ROOT, 'clients', 'operations', 'commerce.graphql'), 'utf8');
    const { call, login } = gatewayClient(stack.gatewayUrl);
    const vendor = await login('vendor@cloudlab.dev');
    const vendorId = (await call({ query: '{ me { vendor { id } } }' }, vendor)).me.vendor.id as string;
    const { rows: products } = await inventoryDb.query<{ product_id: string; warehouse_id: string }>(
      'SELECT DISTINCT ON (product_id) product_id, warehouse_id FROM stock WHERE vendor_id = $1 ORDER BY product_id LIMIT 10',
      [vendorId],
    );
    const productIds = products.map((p) => p.product_id);

    const restock = async (product = products[0]!) =>
      (await call({ query: commerce, operationName: 'Restock', variables: { productId: product.product_id, warehouseId: product.warehouse_id, quantity: 1 } }, vendor)).restock as { available: number };
    // Warm-up (JIT, plan cache, the upstream path), so the baseline is a gateway that has served subscriptions.
    const warm = Array.from({ length: 10 }, () => createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 }));
    for (const c of warm) c.subscribe({ query: operations, operationName: 'StockChanged', variables: { productIds } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await until(async () => (await metric(inventoryBase, 'cloudlab_subgraph_subscriptions')) >= 1, 30_000);
    for (let i = 0; i < 5; i++) await restock();
    await Promise.all(warm.map((c) => c.dispose()));
    const baseline = await gatewayMemory(gatewayBase);
    // Each subscriber: its arrival times by `available` value (every restock moves it by one).
    const arrivals: Map<string, number>[] = [];
    const opened = performance.now();
    for (let i = 0; i < subscribers; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, subscribers - i) }, async () => {
          const seen = new Map<string, number>();
          arrivals.push(seen);
          const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
          clients.push(client);
          await new Promise<void>((resolve) => {
            const offs = [client.on('connected', () => done()), client.on('closed', () => done())];
            const done = () => (offs.forEach((off) => off()), resolve());
          });
          client.subscribe(
            { query: operations, operationName: 'StockChanged', variables: { productIds: distinct ? [...productIds, randomUUID()] : productIds } },
            {
              next: (m: any) => {
                const change = m.data?.stockChanged;
                if (change?.product?.name) seen.set(`${change.productId}:${change.available}`, performance.now());
              },
              error: () => undefined,
              complete: () => undefined,
            },
          );
        }),
      );
    }
    progress(`${subscribers} subscribers connected in ${((performance.now() - opened) / 1000).toFixed(1)} s`);
    const expectedUpstream = distinct ? subscribers : 1;
    await until(async () => (await metric(inventoryBase, 'cloudlab_subgraph_subscriptions')) >= expectedUpstream, 60_000);
    const connectedIn = (performance.now() - opened) / 1000;
    const loaded = await gatewayMemory(gatewayBase);

    progress('latency: one restock at a time');
    // Latency: one restock at a time; every subscriber must see it before the next.
    // A subscriber's message for product p with `available` n is keyed `p:n` (each restock moves n by one).
    const key = (productId: string, available: number) => `${productId}:${available}`;
    const latencies: number[] = [];
    let lost = 0;
    for (let e = 0; e < events; e++) {
      const sent = performance.now();
      const k = key(products[0]!.product_id, (await restock()).available);
      await until(async () => arrivals.every((a) => a.has(k)), 10_000).catch(() => undefined);
      for (const a of arrivals) {
        const at = a.get(k);
        if (at === undefined) lost++;
        else latencies.push(at - sent);
      }
      await new Promise((r) => setTimeout(r, 50));
    }

    progress(`burst of ${burst} restocks`);
    // Throughput: a burst of restocks over all followed products, 16 at a time, until every
    // subscriber has them all.
    const burstStart = performance.now();
    const values: string[] = [];
    let failedRestocks = 0;
    for (let b = 0; b < burst; b += 16) {
      const batch = Array.from({ length: Math.min(16, burst - b) }, (_, i) => products[(b + i) % products.length]!);
      // A restock may fail when the gateway is saturated by fan-out (it shares the event loop):
      // counted, not fatal, since that is part of what this measures.
      const settled = await Promise.allSettled(batch.map(async (p) => key(p.product_id, (await restock(p)).available)));
      for (const r of settled) r.status === 'fulfilled' ? values.push(r.value) : failedRestocks++;
    }
    const sentIn = (performance.now() - burstStart) / 1000;
    await until(async () => arrivals.every((a) => values.every((v) => a.has(v))), 60_000).catch(() => undefined);
    let burstDelivered = 0;
    for (const a of arrivals) for (const v of values) if (a.has(v)) burstDelivered++;
    let lastArrival = 0;
    for (const a of arrivals) for (const v of values) lastArrival = Math.max(lastArrival, a.get(v) ?? 0);
    const burstSeconds = (lastArrival - burstStart) / 1000;

    const p = percentiles(latencies, [50, 95, 99, 100]);
    const summary = {
      bench: 'subscriptions',
      mode: distinct ? 'distinct' : 'shared',
      bus: process.env.KAFKA_BROKERS ? 'kafka' : 'embedded',
      subscribers,
      connected_in_s: Number(connectedIn.toFixed(1)),
      upstream_subscriptions: await metric(gatewayBase, 'cloudlab_gateway_upstream_subscriptions'),
      events,
      deliveries: latencies.length,
      lost,
      latency_ms: { p50: p.p50, p95: p.p95, p99: p.p99, max: p.p100 },
      burst_events: burst,
      burst_failed_restocks: failedRestocks,
      burst_events_per_s: Number((values.length / burstSeconds).toFixed(1)),
      // How fast the restocks themselves went: when close to burst_events_per_s, the source limits.
      burst_restocks_per_s: Number((burst / sentIn).toFixed(1)),
      burst_deliveries_per_s: Math.round(burstDelivered / burstSeconds),
      burst_lost: values.length * subscribers - burstDelivered,
      gateway_rss_mb: { idle: mb(baseline.rss), loaded: mb(loaded.rss) },
      gateway_bytes_per_subscriber: { rss: Math.round((loaded.rss - baseline.rss) / subscribers), heap: Math.round((loaded.heap - baseline.heap) / subscribers) },
      entity_fetches: await metric(gatewayBase, 'cloudlab_gateway_subscription_entity_fetches_total', 'coalesced="false"'),
    };
    console.log(`${subscribers} subscribers (${summary.mode}: ${summary.upstream_subscriptions} upstream), bus: ${summary.bus}, connected in ${summary.connected_in_s} s`);
    console.log(`  restock → message ms: p50 ${p.p50}  p95 ${p.p95}  p99 ${p.p99}  max ${p.p100}  (${latencies.length} deliveries, ${lost} lost)`);
    console.log(`  burst of ${burst} restocks (sent at ${summary.burst_restocks_per_s}/s, ${failedRestocks} failed): ${summary.burst_events_per_s} events/s, ${summary.burst_deliveries_per_s} deliveries/s`);
    console.log(`  gateway RSS ${summary.gateway_rss_mb.idle} → ${summary.gateway_rss_mb.loaded} MB: ${summary.gateway_bytes_per_subscriber.rss} B RSS, ${summary.gateway_bytes_per_subscriber.heap} B heap per subscriber`);
    console.log(JSON.stringify(summary));
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await inventoryDb.close();
    await stack.stop();
  }
}

const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

/** The gateway's memory after 2 s of quiet: the median of three samples 500 ms apart. */
async function gatewayMemory(base: string) {
  await new Promise((r) => setTimeout(r, 2000));
  const samples: { rss: number; heap: number }[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push({ rss: await metric(base, 'process_resident_memory_bytes'), heap: await metric(base, 'nodejs_heap_size_used_bytes') });
    await new Promise((r) => setTimeout(r, 500));
  }
  const median = (k: 'rss' | 'heap') => samples.map((x) => x[k]).sort((a, b) => a - b)[1]!;
  return { rss: median('rss'), heap: median('heap') };
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

async function until(test: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

void main();
