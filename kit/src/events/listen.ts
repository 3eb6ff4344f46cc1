import pg from 'pg';
import type { Logger } from '../logger';
import { Backoff, sleep } from './backoff';

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` over a dedicated connection (a pooled one would be handed to others) and
 * reconnects with backoff when it drops. After every (re)connect `onNotify()` is called with no
 * payload: notifications sent while disconnected are lost, so listeners must re-check.
 * LISTEN only speeds things up; every user also polls, so a dead listener delays but loses nothing.
 * A user that trusts the notifications alone (a cache they invalidate) hears of every lost or
 * failed connection through `onLost`, before the reconnect's `onNotify()`.
 */
export function listen(
  connectionString: string,
  channel: string,
  onNotify: (payload?: string) => void,
  log: Logger,
  onLost?: () => void,
): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`unsafe LISTEN channel ${channel}`);
  const stop = new AbortController();
  const stopped = new Promise<undefined>((r) => stop.signal.addEventListener('abort', () => r(undefined), { once: true }));
  let client: pg.Client | undefined;

  const run = async () => {
    const backoff = new Backoff(200, 5_000);
    while (!stop.signal.aborted) {
      const current = new pg.Client({ connectionString });
      const lost = new Promise<Error>((resolve) => {
        current.on('error', resolve);
        current.on('end', () => resolve(new Error('connection ended')));
      });
      try {
        await current.connect();
        client = current;
        current.on('notification', (n) => {
          if (n.channel === channel) onNotify(n.payload);
        });
        await current.query(`LISTEN ${channel}`);
        backoff.reset();
        onNotify();
        const err = await Promise.race([lost, stopped]);
        if (err && !stop.signal.aborted) log.warn({ err, channel }, 'LISTEN connection lost; reconnecting');
      } catch (err) {
        if (!stop.signal.aborted) log.warn({ err, channel }, 'LISTEN connection failed; retrying');
      }
      onLost?.();
      client = undefined;
      await current.end().catch(() => undefined);
      if (!stop.signal.aborted) await sleep(backoff.next(), stop.signal);
    }
  };
  const running = run();

  return {
    async close() {
      stop.abort();
      await client?.end().catch(() => undefined);
      await running;
    },
  };
}
