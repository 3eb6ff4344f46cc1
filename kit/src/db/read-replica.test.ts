import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { registry } from '../metrics';
import { Db, type Queryable } from './pool';
import { ReadRouter, lagOf, parseLsn, readTarget, replicaFailure, replicaPool, sqlProbe, stickyMs, type ReplicaProbe, type ReplicaState } from './read-replica';

const settings = { maxLagMs: 1000, checkIntervalMs: 500 };
const up = (lagMs: number | null, checkedAt = 10_000): ReplicaState => ({ up: true, lagMs, checkedAt });
/** A standby that has replayed everything the primary has (at `lsn`). */
const caughtUp = (lsn = 100n): ReplicaProbe => ({ standby: true, primaryLsn: lsn, replayLsn: lsn, behindMs: 0 });

describe('where a read goes', () => {
  it('a healthy replica within the lag bound answers reads', () => {
    expect(readTarget(up(0), { wrote: false }, 10_100, settings)).toEqual({ to: 'replica' });
    expect(readTarget(up(1000), { wrote: false }, 10_100, settings)).toEqual({ to: 'replica' });
  });

  it('a request that has written reads from the primary, and so does its viewer for a while after', () => {
    expect(readTarget(up(0), { wrote: true }, 10_100, settings)).toEqual({ to: 'primary', reason: 'wrote' });
    expect(readTarget(up(0), { wrote: false, stickyUntil: 10_200 }, 10_100, settings)).toEqual({ to: 'primary', reason: 'wrote' });
    expect(readTarget(up(0), { wrote: false, stickyUntil: 10_100 }, 10_100, settings)).toEqual({ to: 'replica' });
  });

  it('a replica behind the lag bound, of unknown lag, down, or not checked lately sends reads to the primary', () => {
    expect(readTarget(up(1001), { wrote: false }, 10_100, settings)).toEqual({ to: 'primary', reason: 'lag' });
    expect(readTarget(up(null), { wrote: false }, 10_100, settings)).toEqual({ to: 'primary', reason: 'lag' });
    expect(readTarget({ up: false, lagMs: null, checkedAt: 10_000 }, { wrote: false }, 10_100, settings)).toEqual({ to: 'primary', reason: 'down' });
    // Three intervals and a second without a check coming back (a hung replica).
    expect(readTarget(up(0), { wrote: false }, 10_000 + 2_500, settings)).toEqual({ to: 'replica' });
    expect(readTarget(up(0), { wrote: false }, 10_000 + 2_501, settings)).toEqual({ to: 'primary', reason: 'stale' });
  });

  it('lag: since the newest check whose primary position the replica has replayed, or the age of its last replayed commit if tighter', () => {
    const p = (replayLsn: bigint | null, behindMs: number | null): ReplicaProbe => ({ standby: true, primaryLsn: 160n, replayLsn, behindMs });
    // Caught up with this check's position: only as old as the check, however old its last commit (an idle primary).
    expect(lagOf(p(160n, 60_000), [{ at: 1_000, lsn: 160n }], 1_005)).toBe(5);
    // Idle for minutes, then one write the replica has not replayed yet: it still holds everything
    // the primary had at the check before (200 ms ago), not 10 s behind.
    const samples = [{ at: 0, lsn: 100n }, { at: 200, lsn: 100n }, { at: 400, lsn: 160n }];
    expect(lagOf(p(100n, 10_000), samples, 410)).toBe(210);
    // Busy: its last replayed commit is the tighter bound.
    expect(lagOf(p(130n, 50), samples, 410)).toBe(50);
    // Behind every check kept: only the commit age says anything.
    expect(lagOf(p(90n, 4_000), samples, 410)).toBe(4_000);
    expect(lagOf(p(null, null), samples, 410)).toBeNull();
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn('0/3000000') < parseLsn('1/0')).toBe(true);
    expect(stickyMs(settings)).toBe(1500);
  });

  it('connection errors take the replica out, recovery conflicts only retry the read, other errors are the read’s own', () => {
    expect(replicaFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5442'), { code: 'ECONNREFUSED' }))).toBe('down');
    expect(replicaFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('down');
    expect(replicaFailure(new Error('Connection terminated unexpectedly'))).toBe('down');
    expect(replicaFailure(Object.assign(new Error('database "x" does not exist'), { code: '3D000' }))).toBe('down');
    expect(replicaFailure(Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }))).toBe('retry');
    expect(replicaFailure(Object.assign(new Error('syntax error'), { code: '42601' }))).toBeNull();
  });
});

/** A Db that answers every statement with its own name, or fails while `failing` is set. */
class FakeDb extends Db {
  failing: Error | null = null;
  statements = 0;
  transactions = 0;
  constructor(readonly label: string) {
    super(new pg.Pool({ max: 1 }), 0, null);
  }
  override async query<R extends pg.QueryResultRow = any>(): Promise<pg.QueryResult<R>> {
    this.statements++;
    if (this.failing) throw this.failing;
    return { rows: [{ from: this.label }], rowCount: 1 } as unknown as pg.QueryResult<R>;
  }
  override async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    this.transactions++;
    return fn(this);
  }
}

const metric = async (name: string, labels: string) => {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

function router(probe: () => Promise<ReplicaProbe>) {
  const primary = new FakeDb('primary');
  const replica = new FakeDb('replica');
  let now = 100_000;
  const r = new ReadRouter(primary, replica, { ...settings, log: createLogger('test', 'silent'), probe, now: () => now });
  return { r, primary, replica, advance: (ms: number) => (now += ms) };
}
const from = async (db: Db) => (await db.query('SELECT 1')).rows[0].from;

describe('a ReadRouter', () => {
  it('sends listings to the replica, and a request that writes reads its write from the primary', async () => {
    const { r } = router(async () => caughtUp());
    await r.check();
    const one = r.forRequest(null);
    expect(await from(one.readDb)).toBe('replica');
    await one.db.tx(async (q) => q.query('INSERT …'));
    expect(await from(one.readDb)).toBe('primary');
    expect(await from(r.forRequest(null).readDb)).toBe('replica'); // another anonymous request
  });

  it('keeps a viewer who wrote on the primary for the lag bound plus one check interval', async () => {
    const { r, advance } = router(async () => caughtUp());
    await r.check();
    await r.forRequest('u1').db.tx(async () => undefined);
    expect(await from(r.forRequest('u1').readDb)).toBe('primary');
    expect(await from(r.forRequest('u2').readDb)).toBe('replica');
    advance(stickyMs(settings) - 1);
    await r.check();
    expect(await from(r.forRequest('u1').readDb)).toBe('primary');
    advance(1);
    await r.check();
    expect(await from(r.forRequest('u1').readDb)).toBe('replica');
  });

  it('a plain statement on ctx.db is not taken for a write', async () => {
    const { r } = router(async () => caughtUp());
    await r.check();
    const req = r.forRequest('u3');
    expect(await from(req.db)).toBe('primary');
    expect(await from(req.readDb)).toBe('replica');
  });

  it('falls back to the primary when a read on the replica fails, counts it, and returns when a check succeeds', async () => {
    let probe: ReplicaProbe | Error = caughtUp();
    const { r, replica, advance } = router(async () => {
      if (probe instanceof Error) throw probe;
      return probe;
    });
    await r.check();
    const before = await metric('cloudlab_db_read_fallback_total', 'reason="error"');
    const downBefore = await metric('cloudlab_db_read_fallback_total', 'reason="down"');
    replica.failing = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5442'), { code: 'ECONNREFUSED' });
    probe = replica.failing;
    expect(await from(r.forRequest(null).readDb)).toBe('primary'); // failed on the replica, answered by the primary
    expect(await metric('cloudlab_db_read_fallback_total', 'reason="error"')).toBe(before + 1);
    expect(r.current.up).toBe(false);
    const tried = replica.statements;
    expect(await from(r.forRequest(null).readDb)).toBe('primary'); // straight to the primary now
    expect(replica.statements).toBe(tried);
    expect(await metric('cloudlab_db_read_fallback_total', 'reason="down"')).toBe(downBefore + 1);
    await r.check();
    expect(r.current.up).toBe(false);
    replica.failing = null;
    probe = { standby: true, primaryLsn: 200n, replayLsn: 150n, behindMs: 40 };
    advance(300); // it has replayed the first check's position (300 ms ago) and a commit 40 ms old
    await r.check();
    expect(r.current).toMatchObject({ up: true, lagMs: 40 });
    expect(await from(r.forRequest(null).readDb)).toBe('replica');
  });

  it('retries a recovery conflict on the primary without taking the replica out; a bad statement fails as it is', async () => {
    const { r, replica } = router(async () => caughtUp());
    await r.check();
    replica.failing = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' });
    expect(await from(r.forRequest(null).readDb)).toBe('primary');
    expect(r.current.up).toBe(true);
    replica.failing = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    await expect(from(r.forRequest(null).readDb)).rejects.toThrow(/syntax error/);
  });

  it('reads go to the primary while the replica lags beyond the bound or is a promoted server', async () => {
    let probe: ReplicaProbe = { standby: true, primaryLsn: 200n, replayLsn: 50n, behindMs: 5_000 };
    const { r } = router(async () => probe);
    await r.check();
    expect(await from(r.forRequest(null).readDb)).toBe('primary');
    probe = { standby: false, primaryLsn: 200n, replayLsn: 200n, behindMs: null };
    await r.check();
    expect(r.current).toMatchObject({ up: false, reason: expect.stringMatching(/not a standby/) });
    expect(await from(r.forRequest(null).readDb)).toBe('primary');
    probe = { standby: true, primaryLsn: 200n, replayLsn: 200n, behindMs: 5_000 }; // caught up with an idle primary
    await r.check();
    expect(await from(r.forRequest(null).readDb)).toBe('replica');
  });

  it('routes transactions (search runs its statements in one) the same way', async () => {
    const { r, primary, replica } = router(async () => caughtUp());
    await r.check();
    const label = await r.forRequest(null).readDb.tx(async (q) => (await q.query('SELECT 1')).rows[0].from);
    expect(label).toBe('replica');
    expect([replica.transactions, primary.transactions]).toEqual([1, 0]);
  });
});

// The probe against a real pair: `bash ops/services/pg-replica.sh start`, then its `env` lines.
const pair = { primary: process.env.PG_PAIR_PRIMARY_URL, replica: process.env.PG_PAIR_REPLICA_URL };
describe.skipIf(!pair.primary || !pair.replica)('the SQL probe on a real primary + streaming replica', () => {
  it('sees the replica as a standby that catches up with a write within a second', async () => {
    const log = createLogger('test', 'silent');
    const primary = new pg.Pool({ connectionString: pair.primary, max: 1 });
    const replica = replicaPool(pair.replica!, 1, 2000, log);
    try {
      const probe = sqlProbe(primary, replica, 2000);
      await primary.query('CREATE TABLE IF NOT EXISTS kit_probe_test (at timestamptz)');
      await primary.query('INSERT INTO kit_probe_test VALUES (now())');
      const started = Date.now();
      let seen = await probe();
      const written = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
      while ((seen.replayLsn ?? -1n) < parseLsn(written) && Date.now() - started < 1000) seen = await probe();
      expect(seen.standby).toBe(true);
      expect(seen.replayLsn! >= parseLsn(written)).toBe(true);
      console.log(`replica caught up with a write in ${Date.now() - started} ms`);
    } finally {
      await primary.end();
      await replica.end();
    }
  });
});
