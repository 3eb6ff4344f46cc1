import { changeChannel } from './change-cache';
import type { Db } from '../db/pool';
import type { EventBus } from '../events/bus';
import type { EventConsumer } from '../events/domain-events';
import { consumeEvents } from '../events/inbox';
import type { Logger } from '../logger';
import { GenerationDb, currentGeneration, migrateGeneration, schemaOf, type ReadModelDefinition } from './generations';

export interface RebuildOptions {
  /** The subgraph's database, plain (not a GenerationDb). */
  db: Db;
  bus: EventBus;
  /** The subgraph's name: read model, inbox scope and live consumer group. */
  name: string;
  readModel: ReadModelDefinition;
  consumes: EventConsumer;
  log: Logger;
  /** How often the rebuild's lag is read while it catches up. */
  pollMs?: number;
  /** Gives up (and leaves the old generation serving) after this long. */
  timeoutMs?: number;
}

export interface RebuildResult {
  from: number;
  to: number;
  schema: string;
  ms: number;
}

/**
 * `pnpm rebuild <subgraph>`: replays every retained event of the read model's topics into a new
 * generation (a fresh schema) under a fresh consumer group, while the running subgraph keeps
 * serving and feeding the current one; then points the read model at the new generation in one
 * statement and keeps replaying until the new one has caught up with everything published before
 * the switch. See README.md beside this file for why that is enough.
 */
export async function rebuildReadModel(opts: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const { db, bus, name, log } = opts;
  const current = await currentGeneration(db, name);
  if (!current) throw new Error(`${name} has no read model yet: start it once first`);
  const next = current.generation + 1;
  const schema = schemaOf(name, next);
  // A failed earlier attempt may have left the schema half built, and generations older than the
  // current one are kept only until the next rebuild (a rollback is one UPDATE of the pointer).
  const { rows: stale } = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname ~ $1 AND nspname <> $2`,
    [`^${name}_g[0-9]+$`, current.schema],
  );
  for (const { nspname } of stale) await db.query(`DROP SCHEMA ${nspname} CASCADE`);
  await migrateGeneration(db, opts.readModel, schema);
  const { baseline } = opts.readModel;
  if (baseline) await new GenerationDb(db, { schema }).tx((q) => baseline(q));

  // Same inbox scope as the live consumer (its claims and the replay's land in the same inbox of
  // the new generation, so after the switch neither applies an event twice), its own group.
  const groupId = `${name}.rebuild.g${next}.${Date.now().toString(36)}`;
  const { topics, handle, prepare, finish } = opts.consumes;
  const target = new GenerationDb(db.withSource('events'), { schema });
  const subscription = await consumeEvents({
    db: target, bus: underGroup(bus, groupId), consumer: name, topics, handle, prepare, finish, log, fromBeginning: true,
  });
  try {
    await caughtUp(bus, groupId, topics, opts);
    log.info({ schema, ms: Date.now() - started }, 'read model replayed; switching');
    await db.query('UPDATE read_model_generation SET generation = $2, schema_name = $3, switched_at = now() WHERE read_model = $1', [name, next, schema]);
    // Answers cached from the old generation are old now (change-cache.ts).
    await db.query('SELECT pg_notify($1, $2)', [changeChannel(name), 'switched']);
    // Events a live batch applied to the old generation just before the switch are in the log:
    // catching up once more brings them into the new one too.
    await caughtUp(bus, groupId, topics, opts);
  } finally {
    await subscription.close();
  }
  return { from: current.generation, to: next, schema, ms: Date.now() - started };
}

/** Resolves once the group has consumed everything published so far (lag 0 on every partition). */
async function caughtUp(bus: EventBus, groupId: string, topics: string[], opts: RebuildOptions): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let reported = Date.now();
  for (;;) {
    const lags = await bus.lag(groupId, topics);
    if (lags.every((p) => p.lag === 0)) return;
    if (Date.now() - reported > 5000) {
      reported = Date.now();
      opts.log.info({ behind: lags.reduce((n, p) => n + p.lag, 0), partitions: lags.filter((p) => p.lag > 0) }, 'rebuild catching up');
    }
    if (Date.now() > deadline) throw new Error(`rebuild of ${opts.name} did not catch up in time; the old generation keeps serving`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/** The same bus, with every subscription under `groupId` (the rebuild's own offsets). */
function underGroup(bus: EventBus, groupId: string): EventBus {
  return {
    kind: bus.kind,
    publish: (topic, messages) => bus.publish(topic, messages),
    subscribe: (options) => bus.subscribe({ ...options, groupId }),
    lag: (group, topics) => bus.lag(group, topics),
    close: () => bus.close(),
  };
}
