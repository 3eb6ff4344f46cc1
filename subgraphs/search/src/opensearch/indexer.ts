import { Gauge, registry, type Db, type Logger } from '@cloudlab/kit';
import { config } from '../config';
import type { OpenSearchEngine } from './engine';
import { documentOf, INDEX_SETTINGS, MAPPINGS, type IndexRow } from './mapping';

/**
 * Feeds OpenSearch from the Postgres read model (read-model/002_index_queue.sql): every
 * SEARCH_INDEX_INTERVAL_MS, for the current generation and any newer one a rebuild is writing,
 * sends each queued row as it is now, with its queue number as external version, then deletes the
 * entries still at that number. Each generation has its own index; the alias `<prefix>search`
 * moves to the current generation's index once that index has caught up (a rebuild: new index,
 * then alias swap, the old index kept until its schema is dropped, like the schema itself).
 */
const gauges = {
  lag: new Gauge({
    name: 'cloudlab_search_index_lag_seconds',
    help: 'Age of the oldest read-model change not yet in the OpenSearch index (0 when none)',
    registers: [registry],
  }),
  pending: new Gauge({
    name: 'cloudlab_search_index_pending',
    help: 'Products changed in the read model and not yet written to the OpenSearch index (first batch at most)',
    registers: [registry],
  }),
};

interface GenerationRow { generation: number; schema: string; current: boolean }

// Index administration and bulk writes may take seconds on a busy node: a longer timeout than searches'.
const ADMIN = { requestTimeout: 60_000 };

const COLUMNS = `p.id, p.listed, p.archived, p.name, p.description, p.category_id, p.vendor_id, p.price, p.rating,
  p.review_count, p.in_stock, p.created_at`;

export class Indexer {
  private created = new Set<string>();
  private aliasTarget: string | null | undefined;
  /** The alias has pointed at the current generation's index with its queue empty at least once. */
  caughtUpOnce = false;

  constructor(private readonly e: OpenSearchEngine, private readonly log: Logger) {}

  async ensureIndex(index: string): Promise<void> {
    if (this.created.has(index)) return;
    const exists = (await this.e.client.indices.exists({ index }, ADMIN)).body as unknown as boolean;
    if (!exists) {
      try {
        await this.e.client.indices.create({ index, body: { settings: INDEX_SETTINGS, mappings: MAPPINGS } as never }, ADMIN);
        this.log.info({ index }, 'opensearch index created');
      } catch (err) {
        if (!String((err as Error).message).includes('resource_already_exists_exception')) throw err;
      }
    }
    this.created.add(index);
  }

  /** Writes one generation's queued rows: how many, and whether its queue is empty now (no refusal). */
  async drain(db: Db, g: GenerationRow): Promise<{ written: number; complete: boolean }> {
    const index = this.e.indexOf(g.generation);
    await this.ensureIndex(index);
    const batch = config.SEARCH_INDEX_BATCH;
    let written = 0;
    let complete = true;
    for (;;) {
      const { rows } = await db.query<IndexRow & { seq: string; age: number }>(
        `SELECT q.seq, extract(epoch FROM now() - q.queued_at)::float8 AS age, ${COLUMNS}
         FROM ${g.schema}.search_index_queue q JOIN ${g.schema}.search_products p USING (id)
         ORDER BY q.seq LIMIT $1`,
        [batch],
      );
      if (g.current) {
        gauges.pending.set(rows.length);
        gauges.lag.set(rows.reduce((m, r) => Math.max(m, r.age), 0));
      }
      if (!rows.length) break;
      const body = rows.flatMap((r) => [
        { index: { _index: index, _id: r.id, version: Number(r.seq), version_type: 'external' } },
        documentOf(r),
      ]);
      const res = await this.e.client.bulk({ body: body as never }, ADMIN);
      const items = (res.body as unknown as { items: { index: { status: number; error?: { type: string; reason: string } } }[] }).items;
      // A 409 is an older copy than the index has (another instance was faster): done all the same.
      const done = rows.filter((_, i) => { const s = items[i]?.index.status ?? 500; return s < 300 || s === 409; });
      const failed = items.find((it) => it.index.status >= 300 && it.index.status !== 409);
      if (failed) this.log.error({ index, error: failed.index.error }, 'opensearch refused a document');
      await db.query(
        `DELETE FROM ${g.schema}.search_index_queue q USING unnest($1::uuid[], $2::bigint[]) AS d(id, seq)
         WHERE q.id = d.id AND q.seq = d.seq`,
        [done.map((r) => r.id), done.map((r) => r.seq)],
      );
      written += done.length;
      if (done.length < rows.length) complete = false;
      if (!complete || rows.length < batch) break;
    }
    if (written) await this.e.client.indices.refresh({ index }, ADMIN);
    return { written, complete };
  }

  /** Points the alias at `index` (and at nothing else), then drops indexes no generation has any more. */
  async swapAlias(index: string, generations: number[]): Promise<void> {
    const { alias } = this.e;
    const res = await this.e.client.indices.getAlias({ name: alias }, ADMIN).catch(() => null);
    const holders = res ? Object.keys(res.body as object) : [];
    if (holders.length !== 1 || holders[0] !== index) {
      const actions = [...holders.map((h) => ({ remove: { index: h, alias } })), { add: { index, alias } }];
      await this.e.client.indices.updateAliases({ body: { actions } as never }, ADMIN);
      this.log.info({ alias, from: holders, to: index }, 'opensearch alias swapped');
    }
    this.aliasTarget = index;
    const keep = new Set(generations.map((g) => this.e.indexOf(g)));
    const all = Object.keys((await this.e.client.indices.get({ index: `${alias}_g*` }, ADMIN)).body as object);
    for (const old of all.filter((i) => /_g\d+$/.test(i) && !keep.has(i))) {
      await this.e.client.indices.delete({ index: old }, ADMIN).catch(() => undefined);
      this.created.delete(old);
      this.log.info({ index: old }, 'opensearch index of a dropped generation deleted');
    }
  }

  /** One round: every live generation drained, the alias on the current one once it has caught up. */
  async tick(db: Db): Promise<number> {
    const { rows } = await db.query<GenerationRow>(
      `SELECT g.n AS generation, n.nspname AS schema, g.n = p.generation AS current
       FROM pg_namespace n CROSS JOIN LATERAL (SELECT (regexp_match(n.nspname, '^search_g([0-9]+)$'))[1]::int AS n) g
       JOIN read_model_generation p ON p.read_model = 'search'
       WHERE n.nspname ~ '^search_g[0-9]+$' AND to_regclass(n.nspname || '.search_index_queue') IS NOT NULL
       ORDER BY g.n`,
    );
    const current = rows.find((r) => r.current);
    if (!current) return 0;
    const index = this.e.indexOf(current.generation);
    if (this.aliasTarget === undefined) {
      // No alias at all (a first start): on the current index at once, so searches answer (with
      // what is indexed so far) instead of failing while it fills. A rebuild's swap waits (below).
      await this.ensureIndex(index);
      const res = await this.e.client.indices.getAlias({ name: this.e.alias }, ADMIN).catch(() => null);
      const holders = res ? Object.keys(res.body as object) : [];
      if (!holders.length) await this.swapAlias(index, rows.map((r) => r.generation));
      else this.aliasTarget = holders.length === 1 ? holders[0]! : null;
    }
    let written = 0;
    let caughtUp = false;
    for (const g of rows.filter((r) => r.generation >= current.generation)) {
      const n = await this.drain(db, g);
      written += n.written;
      if (g.current) caughtUp = n.complete;
    }
    // The alias moves to a (rebuilt) generation's index once that has caught up.
    if (this.aliasTarget !== index && caughtUp) await this.swapAlias(index, rows.map((r) => r.generation));
    if (this.aliasTarget === index && caughtUp) this.caughtUpOnce = true;
    return written;
  }
}

let shared: Indexer | null = null;

/** The timer the subgraph runs when OPENSEARCH_URL is set (server.ts). */
export function indexerTimer(e: OpenSearchEngine) {
  return {
    name: 'opensearch-indexer',
    everyMs: config.SEARCH_INDEX_INTERVAL_MS,
    // Right after the consumer commits changes too: a new product is searchable without waiting for the tick.
    afterEvents: true,
    run: async ({ db, log }: { db: Db; log: Logger }) => {
      shared ??= new Indexer(e, log);
      await shared.tick(db);
    },
  };
}

/**
 * At start (server.ts, before the subgraph listens): waits until the index has caught up with the
 * read model once (a first start indexes every document), at most SEARCH_INDEX_START_WAIT_MS, so
 * a new instance does not answer from a half-filled index.
 */
export async function indexCaughtUp(log: Logger): Promise<void> {
  const started = Date.now();
  while (!shared?.caughtUpOnce) {
    if (Date.now() - started > config.SEARCH_INDEX_START_WAIT_MS) {
      log.warn({ waitedMs: Date.now() - started }, 'opensearch index not caught up yet; serving anyway');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log.info({ ms: Date.now() - started }, 'opensearch index caught up');
}
