import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { listen } from './listen';

// Needs a PostgreSQL server: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
describe.skipIf(!process.env.DATABASE_URL)('a LISTEN connection the server kills', () => {
  const serverUrl = process.env.DATABASE_URL!;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('reconnects, asks its user to catch up, and receives notifications again', async () => {
    const channel = `test_listen_${process.pid}_${Date.now()}`;
    const calls: (string | undefined)[] = [];
    const listener = listen(serverUrl, channel, (payload) => calls.push(payload), createLogger('test', 'silent'), () => calls.push('lost'));
    try {
      const backend = async () =>
        (await sql(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN ${channel}'`))[0]?.pid as number | undefined;
      await until('listening', async () => (await backend()) !== undefined);
      await until('the catch-up call after connecting', () => calls.length === 1);
      const first = (await backend())!;
      await sql(`SELECT pg_terminate_backend(${first})`);
      await until('reconnected', async () => ((await backend()) ?? first) !== first);
      // A second catch-up call: whatever was sent while disconnected is re-checked.
      await until('the catch-up call after reconnecting', () => calls.length === 3);
      // Told of the loss before the catch-up call.
      expect(calls).toEqual([undefined, 'lost', undefined]);
      await sql(`NOTIFY ${channel}, 'after'`);
      await until('notified', () => calls.includes('after'));
    } finally {
      await listener.close();
    }
  });
});
