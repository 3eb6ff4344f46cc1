import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { Db, PREPARED_MAX, connectWhenUp, ensureDatabase, preparedName } from './pool';

describe('prepared statement names', () => {
  it('are the same for the same SQL, different for different SQL, and stop at PREPARED_MAX texts', () => {
    const first = preparedName('SELECT 1 WHERE $1::int = 1');
    expect(first).toMatch(/^s[0-9a-f]{16}$/);
    expect(preparedName('SELECT 1 WHERE $1::int = 1')).toBe(first);
    expect(preparedName('SELECT 2 WHERE $1::int = 1')).not.toBe(first);
    for (let i = 0; i < PREPARED_MAX; i++) preparedName(`SELECT ${i} + $1::int`);
    expect(preparedName('SELECT a text never seen before WHERE $1::int = 1')).toBeUndefined(); // runs unnamed
    expect(preparedName('SELECT 1 WHERE $1::int = 1')).toBe(first); // the ones prepared stay prepared
  });
});

// Needs a PostgreSQL server: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
describe.skipIf(!process.env.DATABASE_URL)('a Db whose connections the server kills', () => {
  const serverUrl = process.env.DATABASE_URL!;
  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
  };
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('loses an idle connection without exiting, and answers on a new one', async () => {
    const db = new Db(serverUrl, 2, null, createLogger('test', 'silent'));
    try {
      const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0].pid);
      await settle(); // the pool notices the drop while the connection sits idle
      const again = await db.query('SELECT pg_backend_pid() AS pid');
      expect(again.rows[0].pid).not.toBe(rows[0].pid);
    } finally {
      await db.close();
    }
  });

  it('fails the transaction whose connection dies between statements, and nothing else', async () => {
    const db = new Db(serverUrl, 1, null, createLogger('test', 'silent'));
    try {
      const failed = db.tx(async (q) => {
        const { rows } = await q.query('SELECT pg_backend_pid() AS pid');
        await terminate(rows[0].pid);
        await settle(); // the drop arrives while the connection is checked out and idle
        await q.query('SELECT 1');
      });
      await expect(failed).rejects.toThrow();
      // max 1: the broken connection was discarded, not handed out again.
      expect((await db.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await db.close();
    }
  });
});

/** A port nothing listens on (for now). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('connectWhenUp: a service starting before its PostgreSQL server', () => {
  it('gives up after its timeout when nothing ever listens', async () => {
    const started = Date.now();
    await expect(connectWhenUp(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`, 400)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  describe.skipIf(!process.env.DATABASE_URL)('with a server', () => {
    // Read inside the tests: a skipped describe's body still runs at collect time.
    const server = () => new URL(process.env.DATABASE_URL!);

    it('connects once the server starts listening (here: 500 ms later, through a forwarder)', async () => {
      const serverUrl = server();
      const port = await closedPort();
      const forwarder = net.createServer((socket) => {
        const upstream = net.connect(Number(serverUrl.port || 5432), serverUrl.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      const listening = new Promise((r) => setTimeout(() => forwarder.listen(port, '127.0.0.1', () => r(undefined)), 500));
      const url = new URL(serverUrl);
      url.port = String(port);
      const started = Date.now();
      const client = await connectWhenUp(url.toString(), 10_000);
      try {
        expect(Date.now() - started).toBeGreaterThanOrEqual(400);
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await client.end();
        await listening;
        await new Promise((r) => forwarder.close(r));
      }
    });

    it('fails at once on any other error (here a database that does not exist)', async () => {
      const url = server();
      url.pathname = '/no_such_database_here';
      const started = Date.now();
      await expect(connectWhenUp(url.toString(), 10_000)).rejects.toMatchObject({ code: '3D000' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('ensureDatabase: services starting together', () => {
  it('creates a database once when eight callers race for it, and none fails', async () => {
    const serverUrl = process.env.DATABASE_URL!;
    const name = `pooltest_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}_events`;
    try {
      await Promise.all(Array.from({ length: 8 }, () => ensureDatabase(serverUrl, name)));
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      await client.end();
      expect(rowCount).toBe(1);
    } finally {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
      await client.end();
    }
  });
});
