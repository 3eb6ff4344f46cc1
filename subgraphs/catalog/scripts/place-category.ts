import { Db, databaseUrl, loadConfigOrExit, subgraphEnv } from '@cloudlab/kit';
import { categoryPartitions, placeCategory } from '../src/partitions';

/**
 * `pnpm catalog:place-category <category slug or id> <server name> <postgres://user:password@host:port/database>`
 * moves one category's products to another PostgreSQL server (src/partitions.ts placeCategory);
 * `pnpm catalog:place-category --list` shows where each category's products are. The catalog's
 * database is <DB_PREFIX>catalog on DATABASE_URL's server.
 */
async function main() {
  const [category, server, remoteUrl] = process.argv.slice(2);
  const { DATABASE_URL, DB_PREFIX } = loadConfigOrExit({ DATABASE_URL: subgraphEnv.DATABASE_URL, DB_PREFIX: subgraphEnv.DB_PREFIX });
  const catalog = new Db(databaseUrl(DATABASE_URL, `${DB_PREFIX}catalog`), 2, null);
  try {
    if (category !== '--list') {
      if (!category || !server || !remoteUrl) {
        console.error('usage: pnpm catalog:place-category <category slug or id> <server name> <postgres://user:password@host:port/database> | --list');
        process.exitCode = 2;
        return;
      }
      const { rows: [found] } = await catalog.query<{ id: string }>('SELECT id FROM categories WHERE slug = $1 OR id::text = $1', [category]);
      if (!found) throw new Error(`no category ${category}`);
      await placeCategory(catalog, { categoryId: found.id, server, remoteUrl });
    }
    for (const p of await categoryPartitions(catalog)) console.log(`${p.slug.padEnd(16)} ${p.partition}  ${p.server ?? 'local'}`);
  } finally {
    await catalog.close();
  }
}

main().catch((err) => {
  console.error(`place-category: ${(err as Error).message}`);
  process.exit(1);
});
