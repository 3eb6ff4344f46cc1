import type { Queryable, SubgraphContext } from '@cloudlab/kit';

// A feed is read once per request (one viewer): nothing to batch yet.
export function createLoaders(_db: Queryable) {
  return {};
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
