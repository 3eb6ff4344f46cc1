import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withCacheControl } from './cache-hints';

/**
 * Every subgraph has the same shape: `src/schema.graphql` beside its `server.ts` and
 * `migrations/` next to `src/`. Given the folder of `server.ts`, this reads both (the schema with
 * the kit's declarations it relies on, e.g. `@cacheControl`).
 */
export function subgraphFiles(srcDir: string): { typeDefs: string; migrations: string } {
  return {
    typeDefs: withCacheControl(readFileSync(path.join(srcDir, 'schema.graphql'), 'utf8')),
    migrations: path.join(srcDir, '..', 'migrations'),
  };
}
