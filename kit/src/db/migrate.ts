import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { withClient, type Db } from './pool';

const KIT_MIGRATIONS = path.join(__dirname, 'migrations');

/**
 * Applies versioned SQL files (`NNN_name.sql`) in order, each in its own transaction, once.
 * The kit's own tables (seed marker, later outbox/inbox) come first under the `kit` scope.
 * A changed file that was already applied is refused: migrations are append-only.
 */
export async function migrate(db: Db, dir: string): Promise<string[]> {
  return withClient(db.pool, async (client) => {
    try {
      // One migrator per database at a time, even with several instances starting together.
      await client.query('SELECT pg_advisory_lock(7262001)');
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        scope text NOT NULL, version text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))`);
      const applied: string[] = [];
      for (const [scope, folder] of [['kit', KIT_MIGRATIONS], ['app', dir]] as const) {
        const done = new Map<string, string>(
          (await client.query('SELECT version, checksum FROM schema_migrations WHERE scope = $1', [scope])).rows.map(
            (r) => [r.version, r.checksum],
          ),
        );
        for (const file of await sqlFiles(folder)) {
          const sql = await readFile(path.join(folder, file), 'utf8');
          const checksum = createHash('sha256').update(sql).digest('hex');
          const known = done.get(file);
          if (known === checksum) continue;
          if (known) throw new Error(`migration ${scope}/${file} changed after it was applied`);
          await client.query('BEGIN');
          try {
            await client.query(sql);
            await client.query('INSERT INTO schema_migrations (scope, version, checksum) VALUES ($1, $2, $3)', [
              scope,
              file,
              checksum,
            ]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${scope}/${file} failed: ${(err as Error).message}`);
          }
          applied.push(`${scope}/${file}`);
        }
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock(7262001)').catch(() => undefined);
    }
  });
}

async function sqlFiles(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
}
