import type { Queryable, SubgraphContext } from '@cloudlab/kit';

// Search reads whole pages per request; nothing is batched by id.
export function createLoaders(_db: Queryable) {
  return {};
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
