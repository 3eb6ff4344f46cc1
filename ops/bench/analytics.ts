import { benchPostgres } from './bench-stack';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db, databaseUrl, demoId, ensureDatabase } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { createEnvelope } from '@cloudlab/kit/events';
import { GenerationDb, ensureReadModel } from '@cloudlab/kit/read-model';
import { prng } from '@cloudlab/kit/demo/random';
import { definition } from '../../subgraphs/analytics/src/server';
import { salesReport } from '../../subgraphs/analytics/src/sales-report';
import { topProducts } from '../../subgraphs/analytics/src/reports';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { percentiles } from './stats';

/**
 * `pnpm bench analytics [--quick]`: the projection's throughput (events applied per second,
 * batches of 50 per transaction with their inbox claim, as the consumer applies them) while it
 * loads a year of history for 100 vendors, then the latency of a vendor's year report (DAY series
 * + top products) over that history. Runs on its own database (embedded unless DATABASE_URL).
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const orders = quick ? 10_000 : 50_000;
  const vendors = 100;
  const products = 2_000;
  const { serverUrl, stop } = await benchPostgres('analytics');
  const name = `bench_analytics_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, name);
  const plain = new Db(databaseUrl(serverUrl, name), 4, null);
  try {
    await migrate(plain, definition.migrations);
    await ensureReadModel(plain, 'analytics', definition.readModel!);
    const db = new GenerationDb(plain, { readModel: 'analytics' });
    const consumer = definition.consumes!;
    const r = prng(7);
    const now = Date.now();
    const events = Array.from({ length: orders }, (_, i) => {
      const lines = Array.from({ length: r.int(1, 3) }, () => {
        const p = r.int(0, products - 1);
        return { productId: demoId('bench-product', p), vendorId: demoId('bench-vendor', p % vendors), quantity: r.int(1, 3), unitPrice: `${r.int(1, 300)}.99` };
      });
      const orderId = demoId('bench-order', i);
      const placedAt = new Date(now - r.int(1, 365) * 86_400_000).toISOString();
      return createEnvelope('analytics', { type: 'HistoricOrderImported', aggregateId: orderId, data: { orderId, placedAt, currency: 'EUR', outcome: r.next() < 0.9 ? 'CONFIRMED' : 'CANCELLED', lines } });
    });
    const started = performance.now();
    for (let i = 0; i < events.length; i += 50) {
      const batch = events.slice(i, i + 50);
      await db.tx(async (q) => {
        await q.query('INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', ['analytics', batch.map((e) => e.id)]);
        await consumer.prepare?.(batch, q);
        for (const e of batch) await consumer.handle(e, q);
        await consumer.finish?.(q);
      });
    }
    const eventsPerSecond = Math.round(events.length / ((performance.now() - started) / 1000));
    console.log(`projection: ${events.length} orders in ${((performance.now() - started) / 1000).toFixed(1)} s → ${eventsPerSecond} events/s (one event per order, batches of 50)`);

    const to = new Date(now).toISOString().slice(0, 10);
    const from = new Date(now - 364 * 86_400_000).toISOString().slice(0, 10);
    const samples: number[] = [];
    for (let i = 0; i < (quick ? 100 : 300); i++) {
      const vendorId = demoId('bench-vendor', r.int(0, vendors - 1));
      const t = performance.now();
      const [report] = await Promise.all([salesReport(db, vendorId, from, to, 'DAY'), topProducts(db, vendorId, from, to, 5)]);
      samples.push(performance.now() - t);
      if (report.series.length !== 365) throw new Error(`expected 365 days, got ${report.series.length}`);
    }
    const latency = percentiles(samples);
    console.log(`year report (365 days, DAY series + top 5 products), 100 vendors: p50 ${latency.p50} p95 ${latency.p95} p99 ${latency.p99} ms`);
    console.log(JSON.stringify({ bench: 'analytics', orders, vendors, products, events_per_s: eventsPerSecond, report_ms: latency }));
  } finally {
    await plain.close();
    await stop();
  }
}

void main();
