import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { inject } from 'vitest';
import { metricsUrl } from '@cloudlab/kit/metrics-server';

export interface LiveMessage<T = any> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
  /** When it arrived (performance.now()). */
  at: number;
}

/** One subscription's messages as they arrive, with ways to wait for them. */
export interface LiveStream<T = any> {
  messages: LiveMessage<T>[];
  /** Set when the server completed the subscription or it failed. */
  ended: { error?: unknown } | undefined;
  /** Resolves with the first message (from the start) that `test` accepts. */
  until(test: (m: LiveMessage<T>) => boolean, timeoutMs?: number): Promise<LiveMessage<T>>;
  /** Resolves once the stream has ended (completed or failed). */
  end(timeoutMs?: number): Promise<{ error?: unknown }>;
  stop(): void;
}

export const wsUrl = (httpUrl: string = inject('gatewayUrl')) => httpUrl.replace(/^http/, 'ws');

/** A graphql-ws client the way a browser app would open one, with every close recorded. */
export function liveClient(opts: { url?: string; token?: string; params?: Record<string, unknown> } = {}) {
  const closes: { code: number; reason: string }[] = [];
  const client: Client = createClient({
    url: wsUrl(opts.url),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.params },
    on: { closed: (e) => closes.push({ code: (e as { code: number }).code, reason: String((e as { reason: string }).reason) }) },
  });

  function subscribe<T = any>(query: string, variables: Record<string, unknown> = {}, operationName?: string): LiveStream<T> {
    const messages: LiveMessage<T>[] = [];
    const waiters = new Set<() => void>();
    const wake = () => waiters.forEach((w) => w());
    const stream: LiveStream<T> = {
      messages,
      ended: undefined,
      until(test, timeoutMs = 5_000) {
        return waitFor(() => messages.find(test), timeoutMs, () => `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)} ended=${JSON.stringify(stream.ended)}`);
      },
      end(timeoutMs = 5_000) {
        return waitFor(() => stream.ended, timeoutMs, () => `stream did not end within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
      },
      stop: () => dispose(),
    };
    function waitFor<R>(probe: () => R | undefined, timeoutMs: number, describe: () => string): Promise<R> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = probe();
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(listener);
          resolve(found);
          return true;
        };
        const listener = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(listener);
          reject(new Error(describe()));
        }, timeoutMs);
        if (!check()) waiters.add(listener);
      });
    }
    const dispose = client.subscribe<T>(
      { query, variables, operationName },
      {
        next: (value) => {
          messages.push({ ...(value as Omit<LiveMessage<T>, 'at'>), at: performance.now() });
          wake();
        },
        error: (error) => {
          stream.ended = { error };
          wake();
        },
        complete: () => {
          stream.ended ??= {};
          wake();
        },
      },
    );
    return stream;
  }

  return { client, closes, subscribe, close: () => client.dispose() };
}

/** A gauge or counter at a service's /metrics, summed over every label set unless `labels` narrows it. */
export async function metric(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(metricsUrl(baseUrl))).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
