import path from 'node:path';
import pg from 'pg';
import { createLogger, openDatabase, seedDatabase, seedSizes, type SubgraphDefinition } from '@cloudlab/kit';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { startConfig } from './config';
import { ROOT } from './stack';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * `pnpm seed`: empties every subgraph's demo tables and loads the demo marketplace again
 * (sizes from SEED_* variables). Works beside a running `pnpm start`.
 */
async function main() {
  const config = startConfig();
  const log = createLogger('seed');
  let serverUrl = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const embeddedUrl = `postgres://postgres:cloudlab@127.0.0.1:${config.EMBEDDED_PG_PORT}/postgres`;
    if (await reachable(embeddedUrl)) serverUrl = embeddedUrl; // `pnpm start` is running
    else {
      const embedded = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
      serverUrl = embedded.url;
      stopEmbedded = embedded.stop;
    }
  }
  const sizes = seedSizes();
  for (const { name } of SUBGRAPHS) {
    const { definition } = (await import(path.join(ROOT, 'subgraphs', name, 'src', 'server.ts'))) as {
      definition: SubgraphDefinition<unknown>;
    };
    const db = await openDatabase(definition, { serverUrl, prefix: config.DB_PREFIX, poolMax: 2, log });
    const started = Date.now();
    await seedDatabase(db, definition, sizes, { reset: true });
    await db.close();
    console.log(`${name}: demo data reloaded in ${Date.now() - started} ms`);
  }
  console.log(`sizes: ${JSON.stringify(sizes)}`);
  await stopEmbedded?.();
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

main().catch((err) => {
  console.error(`seed failed: ${(err as Error).message}`);
  process.exit(1);
});
