import { Counter } from 'prom-client';
import { boundedMap } from '../bounded-map';
import { listen, type Listener } from '../events/listen';
import type { Logger } from '../logger';
import { registry } from '../metrics';

/**
 * Answers computed from a read model, kept until the read model changes: the idea of
 * Elasticsearch's shard request cache (results kept until the next refresh with changes), on
 * PostgreSQL's LISTEN/NOTIFY. The read model's tables notify `changeChannel(name)` when a row
 * that answers depend on changes (a trigger in its read-model migrations: pg_notify, delivered at
 * commit), and a rebuild's switch notifies it too (rebuild.ts). Every notification starts a new
 * epoch; an answer is served only in the epoch it was computed in, and kept only if no
 * notification arrived while it was computed — so a cached answer is never older than the last
 * committed change the process has heard of (a notification arrives a few ms after its commit).
 *
 * Trusting notifications alone needs the LISTEN connection: until it is up, and whenever it is
 * lost, nothing is served from or kept in the cache (every call computes). Answers must be
 * computed on the primary: a streaming replica may not have replayed the change it was told of.
 */
export const changeChannel = (readModel: string) => `read_model_${readModel}`;

const lookups = new Counter({
  name: 'cloudlab_read_model_cache_lookups_total',
  help: 'Lookups of cached read-model answers, by read model and outcome (hit, miss, bypass: the change listener is down)',
  labelNames: ['read_model', 'outcome'],
  registers: [registry],
});

export class ChangeCache<V> {
  private epoch = 0;
  private live = false;
  private listener: Listener | null = null;
  private readonly entries;
  private readonly computing = new Map<string, { epoch: number; value: Promise<V> }>();

  constructor(
    private readonly readModel: string,
    /** Most answers kept (least recently used forgotten first); 0: no cache. */
    readonly maxEntries: number,
    private readonly listenFor: typeof listen = listen,
  ) {
    this.entries = boundedMap<string, { epoch: number; value: V }>(Math.max(1, maxEntries));
  }

  /** Listens for the read model's changes; the cache serves once the listener is connected. */
  start(connectionString: string, log: Logger): void {
    if (this.maxEntries === 0 || this.listener) return;
    this.listener = this.listenFor(connectionString, changeChannel(this.readModel), () => this.changed(), log, () => this.lost());
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = null;
    this.lost();
  }

  /** A change (or a (re)connect, after which changes may have been missed): every answer is old. */
  changed(): void {
    this.epoch++;
    this.entries.clear();
    this.live = this.listener !== null;
  }

  /** The listener is down: changes may go unheard, so nothing is served until it is back. */
  lost(): void {
    this.live = false;
    this.epoch++;
    this.entries.clear();
  }

  /** The answer for `key`: cached from this epoch, or computed (and kept if no change came meanwhile). */
  async get(key: string, compute: () => Promise<V>): Promise<V> {
    if (!this.live) {
      lookups.inc({ read_model: this.readModel, outcome: 'bypass' });
      return compute();
    }
    const hit = this.entries.get(key);
    if (hit && hit.epoch === this.epoch) {
      lookups.inc({ read_model: this.readModel, outcome: 'hit' });
      return hit.value;
    }
    // Callers asking for the same answer while it is computed (a popular query right after a
    // change) share the one computation.
    const epoch = this.epoch;
    const pending = this.computing.get(key);
    if (pending && pending.epoch === epoch) {
      lookups.inc({ read_model: this.readModel, outcome: 'hit' });
      return pending.value;
    }
    lookups.inc({ read_model: this.readModel, outcome: 'miss' });
    const value = compute();
    this.computing.set(key, { epoch, value });
    try {
      const v = await value;
      if (this.live && epoch === this.epoch) this.entries.set(key, { epoch, value: v });
      return v;
    } finally {
      if (this.computing.get(key)?.value === value) this.computing.delete(key);
    }
  }
}
