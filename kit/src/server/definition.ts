import type { FastifyInstance } from 'fastify';
import type { Db, Queryable } from '../db/pool';
import type { DemoPlan } from '../demo/plan';
import type { EventBus } from '../events/bus';
import type { EventConsumer } from '../events/domain-events';
import type { EventEnvelope } from '../events/envelope';
import type { Logger } from '../logger';
import type { ReadModelDefinition } from '../read-model/generations';

/** Another subgraph's entity, as a resolver returns it for the router to resolve: `{ __typename, id }`. */
export interface EntityRef {
  __typename?: string;
  id: string;
}

/** mercurius calls `__resolveReference(ref, args, context, info)`, Apollo `(ref, context, info)`. */
type MercuriusReference<F> = F extends (ref: infer R, context: infer C, info: infer I) => infer Out
  ? (ref: R, args: unknown, context: C, info: I) => Out
  : F;

/** A subgraph's generated (Apollo-shaped) `Resolvers` type, with mercurius' reference resolvers. */
export type MercuriusResolvers<R> = {
  [T in keyof R]: {
    [F in keyof NonNullable<R[T]>]: F extends '__resolveReference' ? MercuriusReference<NonNullable<R[T]>[F]> : NonNullable<R[T]>[F];
  };
};

/**
 * Resolvers by type name. Each subgraph's generated `Resolvers` (`src/generated/resolvers.ts`,
 * `pnpm codegen`) says exactly what they take and return; its resolvers.ts `satisfies` it and its
 * server.ts passes it as `R`, so a field that returns the wrong row type does not compile.
 */
export type ResolverMap = { [typeName: string]: object | undefined };

/**
 * Everything a subgraph is: the kit turns this into a running server (runSubgraph) or a seeded
 * database (seedDatabase). Each subgraph's `src/server.ts` exports one.
 */
export interface SubgraphDefinition<L = unknown, R extends ResolverMap = ResolverMap> {
  /** Short domain name: `catalog`; its database is `<DB_PREFIX>catalog`. */
  name: string;
  /** `apollo` = @apollo/server + @apollo/subgraph (Federation 2); `mercurius` = mercurius + @mercuriusjs/federation (Federation 1). */
  engine: 'apollo' | 'mercurius';
  typeDefs: string;
  resolvers: R;
  /** Folder of versioned `NNN_name.sql` files. */
  migrations: string;
  /** Per-request DataLoaders. */
  loaders: (db: Db) => L;
  /** Loads this subgraph's share of the demo marketplace. */
  seed: (q: Queryable, plan: DemoPlan) => Promise<void>;
  /** Tables `pnpm seed` empties before loading again. */
  seedTables: string[];
  /**
   * Events this subgraph reacts to, declared with `handleEvents({ OrderPlaced: … })` (typed,
   * parsed payloads). Each is applied in one transaction with its inbox record, so a redelivered
   * event has no second effect. (Events it *produces* go through `recordDomainEvent`.)
   */
  consumes?: EventConsumer;
  /**
   * The tables `consumes` builds are a read model (search, notifications, analytics): created per
   * generation from these migrations, rebuilt from the log by `pnpm rebuild <name>` while the
   * subgraph keeps serving (kit/src/read-model/README.md). Every statement the subgraph sends then
   * sees the current generation first on its search_path.
   */
  readModel?: ReadModelDefinition;
  /**
   * Its read-heavy paths read through `ctx.readDb`, which may answer from a streaming replica
   * (DATABASE_READ_URL) a little behind the primary (policy: kit/src/db/read-replica.ts).
   */
  readReplica?: boolean;
  /**
   * Periodic work (saga timeouts, slow provider answers): called every `everyMs` while running,
   * one run at a time. `afterEvents`: also as soon as the consumer has committed a batch (work
   * that follows the events' effects, such as search's OpenSearch indexer), without waiting for the tick.
   */
  timers?: { name: string; everyMs: number; afterEvents?: boolean; run: (deps: { db: Db; log: Logger; bus: EventBus }) => Promise<unknown> }[];
  /**
   * Declared by subgraphs with a `Subscription` type: the bus topics its subscription resolvers
   * read through `ctx.live`. The kit then serves graphql-ws on /graphql and holds one broadcast
   * bus subscription per instance for these topics (see server/subscriptions.ts). Apollo engine only.
   */
  subscriptions?: { topics: string[] };
  /** Extra HTTP routes (accounts serves its JWKS). */
  routes?: (app: FastifyInstance, deps: { db: Db }) => void | Promise<void>;
}
