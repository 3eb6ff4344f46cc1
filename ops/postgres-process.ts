import { existsSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * The embedded PostgreSQL server as a process of its own: `node --import tsx ops/postgres-process.ts
 * DIR PORT` prints `ready <url>` once it accepts connections and stops the server on SIGTERM.
 * Its own process because embedded-postgres installs a global exit hook that rewrites the exit
 * code of whatever process imports it (it turned failing test runs into exit 0).
 */
async function main() {
  const [dir, port] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({
    dir: dir!,
    port: Number(port),
    // initdb and the server are chatty; only trouble is worth a line.
    log: (line) => /ERROR|FATAL|PANIC/.test(line) && console.error(line),
  });
  console.log(`ready ${pg.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop();
    // The server may still be finishing its shutdown; the next start needs its lock file gone.
    const lock = path.join(dir!, 'postmaster.pid');
    for (let i = 0; i < 100 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(`embedded postgres failed: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
