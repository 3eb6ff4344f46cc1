import pg from 'pg';
import { Counter, Gauge } from 'prom-client';
import { boundedMap } from '../bounded-map';
import type { Logger } from '../logger';
import { registry } from '../metrics';
import { Db, logPoolErrors, type Queryable } from './pool';

/**
 * Reads of read-heavy paths (catalog listings, search, analytics reports) on a streaming replica
 * (DATABASE_READ_URL), writes and everything else on the primary. Policy (README "Read replica"):
 * - a request that opened a transaction on the primary (`ctx.db.tx`: every write path) reads from
 *   the primary for the rest of the request; a signed-in viewer who wrote reads from the primary
 *   on this instance for `maxLagMs + checkIntervalMs` after (by then the replica has it: see
 *   `stickyMs`);
 * - the replica's lag is checked every `checkIntervalMs` (its replay LSN against the primary's
 *   LSN at recent checks, and the age of its last replayed commit: `lagOf`): above `maxLagMs`,
 *   reads go to the primary;
 * - the replica down, not a standby, or a read on it failing with a connection error or a
 *   recovery conflict: that read runs again on the primary, and reads stay there until a check
 *   succeeds again.
 */
export interface ReplicaSettings {
  /** Reads go to the primary while the replica is further behind than this. */
  maxLagMs: number;
  /** How often the replica's lag and health are checked. */
  checkIntervalMs: number;
}

/** What the last check saw. `lagMs` null: unknown (never checked, or the check failed). */
export interface ReplicaState {
  up: boolean;
  lagMs: number | null;
  checkedAt: number;
  reason?: string;
}

export type FallbackReason = 'down' | 'lag' | 'stale' | 'error';
export type ReadTarget = { to: 'replica' } | { to: 'primary'; reason: 'wrote' | FallbackReason };

/** Per request: whether it has written, and until when its viewer's reads stay on the primary. */
export interface RequestReads {
  wrote: boolean;
  stickyUntil?: number;
}

/** Where one read goes (the whole policy, without I/O). */
export function readTarget(state: ReplicaState, request: RequestReads, now: number, s: ReplicaSettings): ReadTarget {
  if (request.wrote || (request.stickyUntil !== undefined && now < request.stickyUntil)) return { to: 'primary', reason: 'wrote' };
  if (!state.up) return { to: 'primary', reason: 'down' };
  if (state.lagMs === null || state.lagMs > s.maxLagMs) return { to: 'primary', reason: 'lag' };
  // Checks that stopped coming back (a hung replica): what they last said no longer holds.
  if (now - state.checkedAt > 3 * s.checkIntervalMs + 1000) return { to: 'primary', reason: 'stale' };
  return { to: 'replica' };
}

/**
 * How long after a viewer's write their reads stay on the primary: a replica within the lag bound
 * at its last check has replayed every commit older than `maxLagMs` then, and that check is at
 * most `checkIntervalMs` old.
 */
export const stickyMs = (s: ReplicaSettings) => s.maxLagMs + s.checkIntervalMs;

/** One check: the primary's current WAL position, then what the replica says about itself. */
export interface ReplicaProbe {
  standby: boolean;
  primaryLsn: bigint;
  /** How far the replica has replayed (null: it has replayed nothing since it started). */
  replayLsn: bigint | null;
  /** now − the replica's last replayed commit (null: nothing replayed since it started). */
  behindMs: number | null;
}

/** The primary's WAL position at a check's start: everything committed before `at` is below `lsn`. */
export interface LsnSample {
  at: number;
  lsn: bigint;
}

/** `16/B374D848` → a number that orders like the LSN. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/**
 * How stale the replica's view is, at most, from two upper bounds: the newest earlier check whose
 * primary position the replica has replayed (it holds everything committed before that check), and
 * the age of its last replayed commit. The first keeps an idle-then-busy primary from looking like
 * lag (the last commit the replica replayed may be minutes old while it misses only the write of
 * this instant); the second is the only bound once the replica is further behind than every
 * check kept. Null: unknown.
 */
export function lagOf(p: ReplicaProbe, samples: readonly LsnSample[], now: number): number | null {
  let reflected: LsnSample | undefined;
  if (p.replayLsn !== null) for (const s of samples) if (s.lsn <= p.replayLsn) reflected = s;
  if (!reflected) return p.behindMs;
  const bySamples = Math.max(0, now - reflected.at);
  return p.behindMs === null ? bySamples : Math.min(bySamples, Math.max(0, p.behindMs));
}

/** Errors after which the same read should run on the primary; `down` ones also take the replica out. */
export function replicaFailure(err: unknown): 'down' | 'retry' | null {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  // 08: connection exception; 57P: admin/crash shutdown, cannot connect now; 3D000: its copy of
  // the database does not exist (yet); node's socket errors; pg-pool's connect timeout.
  if (/^(08|57P)/.test(code) || code === '3D000' || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)$/.test(code)) return 'down';
  if (/Connection terminated|timeout exceeded when trying to connect/i.test(e?.message ?? '')) return 'down';
  // 40001 on a standby: "canceling statement due to conflict with recovery".
  if (code === '40001' || code === '40P01') return 'retry';
  return null;
}

const reads = new Counter({
  name: 'cloudlab_db_reads_total',
  help: 'Reads of read-heavy paths (ctx.readDb), by the server that answered them (replica, primary)',
  labelNames: ['target'],
  registers: [registry],
});
const fallbacks = new Counter({
  name: 'cloudlab_db_read_fallback_total',
  help: 'Reads meant for the replica that went to the primary: replica down, lagging, checks stale, or a read on it failed',
  labelNames: ['reason'],
  registers: [registry],
});
const lagGauge = new Gauge({
  name: 'cloudlab_db_replica_lag_ms',
  help: 'Replica lag at the last check in milliseconds (-1: down or unknown)',
  registers: [registry],
});
const upGauge = new Gauge({ name: 'cloudlab_db_replica_up', help: '1 while reads may go to the replica', registers: [registry] });

/** The primary and the replica one subgraph process reads from, with the replica's health. */
export class ReadRouter {
  private state: ReplicaState = { up: false, lagMs: null, checkedAt: 0, reason: 'not checked yet' };
  private timer?: NodeJS.Timeout;
  private checking?: Promise<ReplicaState>;
  private readonly writers = boundedMap<string, number>(10_000);
  /** The primary's position at recent checks, oldest first (enough to cover the lag bound). */
  private samples: LsnSample[] = [];

  constructor(
    readonly primary: Db,
    readonly replica: Db,
    private readonly opts: ReplicaSettings & {
      log: Logger;
      probe: () => Promise<ReplicaProbe>;
      /** Ends the replica's pools (`close`). */
      close?: () => Promise<unknown>;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.opts.now?.() ?? Date.now();
  }

  get current(): Readonly<ReplicaState> {
    return this.state;
  }

  /** Checks once now, then every `checkIntervalMs`. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.checkIntervalMs);
    this.timer.unref();
  }

  /** Stops checking and ends the replica's pools (the primary is the caller's). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await this.opts.close?.();
  }

  /** Asks the replica how far behind it is; one check at a time. */
  check(): Promise<ReplicaState> {
    const at = this.now();
    this.checking ??= this.opts
      .probe()
      .then(
        (p) => {
          if (!p.standby) return { up: false, lagMs: null, reason: 'not a standby (promoted?)' };
          const keepFrom = at - (this.opts.maxLagMs + 3 * this.opts.checkIntervalMs);
          this.samples = [...this.samples.filter((s) => s.at >= keepFrom), { at, lsn: p.primaryLsn }];
          return { up: true, lagMs: lagOf(p, this.samples, this.now()) };
        },
        (err: Error) => ({ up: false, lagMs: null, reason: err.message }),
      )
      .then((seen) => this.see({ ...seen, checkedAt: this.now() }))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  private see(next: ReplicaState): ReplicaState {
    const was = this.state;
    this.state = next;
    upGauge.set(next.up ? 1 : 0);
    lagGauge.set(next.up && next.lagMs !== null ? next.lagMs : -1);
    if (was.checkedAt === 0) return next; // the first check: openReadRouter says what it found
    if (was.up && !next.up) this.opts.log.warn({ reason: next.reason }, 'read replica unavailable: reads go to the primary');
    else if (!was.up && next.up) this.opts.log.info({ lagMs: next.lagMs }, 'read replica available: reads go to it again');
    const lagging = (s: ReplicaState) => s.up && s.lagMs !== null && s.lagMs > this.opts.maxLagMs;
    if (lagging(next) && !lagging(was)) this.opts.log.warn({ lagMs: next.lagMs, maxLagMs: this.opts.maxLagMs }, 'read replica behind the lag bound: reads go to the primary');
    return next;
  }

  /**
   * One request's view: `db` is the primary (a transaction on it marks the request as having
   * written), `readDb` sends reads where the policy says.
   */
  forRequest(viewerId: string | null): { db: Db; readDb: Db; request: RequestReads } {
    const request: RequestReads = { wrote: false, stickyUntil: viewerId ? this.writers.get(viewerId) : undefined };
    const primary = this.primary;
    const db: Db = Object.create(primary);
    db.tx = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
      request.wrote = true;
      try {
        return await primary.tx(fn);
      } finally {
        if (viewerId) this.writers.set(viewerId, this.now() + stickyMs(this.opts));
      }
    };
    db.query = (text, values) => primary.query(text, values);
    return { db, readDb: new RoutedReads(this, request), request };
  }

  /** Runs a read where the policy says; a replica failure sends it to the primary. */
  async run<T>(request: RequestReads, read: (db: Db) => Promise<T>): Promise<T> {
    const target = readTarget(this.state, request, this.now(), this.opts);
    if (target.to === 'primary') {
      reads.inc({ target: 'primary' });
      if (target.reason !== 'wrote') fallbacks.inc({ reason: target.reason });
      return read(this.primary);
    }
    try {
      const result = await read(this.replica);
      reads.inc({ target: 'replica' });
      return result;
    } catch (err) {
      const failure = replicaFailure(err);
      if (!failure) throw err;
      if (failure === 'down') this.see({ up: false, lagMs: null, checkedAt: this.now(), reason: (err as Error).message });
      else this.opts.log.debug({ reason: (err as Error).message }, 'read on the replica cancelled; again on the primary');
      fallbacks.inc({ reason: 'error' });
      reads.inc({ target: 'primary' });
      return read(this.primary);
    }
  }
}

/** A Db whose statements and transactions are reads routed by a ReadRouter. */
class RoutedReads extends Db {
  constructor(
    private readonly router: ReadRouter,
    private readonly request: RequestReads,
  ) {
    super(router.primary.pool, 0, router.primary.source);
  }

  override withSource(): Db {
    return this;
  }

  override query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.router.run(this.request, (db) => db.query<R>(text, values));
  }

  override tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.router.run(this.request, (db) => db.tx(fn));
  }

  override close(): Promise<void> {
    throw new Error('a request view closes nothing: close the ReadRouter’s pools');
  }
}

/**
 * The SQL probe: the primary's current LSN, then the replica's replay position and the age of its
 * last replayed commit (`lagOf` turns them into lag). `timeoutMs` bounds a hung replica.
 */
export function sqlProbe(primary: pg.Pool, replica: pg.Pool, timeoutMs: number): () => Promise<ReplicaProbe> {
  return async () => {
    const lsn = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replica check took over ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const { rows } = await Promise.race([
        replica.query<{ standby: boolean; replay: string | null; behind_ms: number | null }>(
          `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replay,
                  (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS behind_ms`,
        ),
        timeout,
      ]);
      const r = rows[0]!;
      return { standby: r.standby, primaryLsn: parseLsn(lsn), replayLsn: r.replay ? parseLsn(r.replay) : null, behindMs: r.behind_ms };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A pool on the replica whose connection attempts give up after `connectTimeoutMs` (a hung server). */
export function replicaPool(url: string, max: number, connectTimeoutMs: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: connectTimeoutMs });
  logPoolErrors(pool, log);
  return pool;
}
