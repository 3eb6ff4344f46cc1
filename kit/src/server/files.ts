import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every subgraph has the same shape: `src/schema.graphql` beside its `server.ts` and
 * `migrations/` next to `src/`. Given the folder of `server.ts`, this reads both.
 */
export function subgraphFiles(srcDir: string): { typeDefs: string; migrations: string } {
  return {
    typeDefs: readFileSync(path.join(srcDir, 'schema.graphql'), 'utf8'),
    migrations: path.join(srcDir, '..', 'migrations'),
  };
}
