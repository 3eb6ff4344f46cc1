import { gatewayAuthHeaders } from '@cloudlab/kit';

/**
 * /readyz: the supergraph is loaded and every subgraph answers `{ __typename }` in time.
 * Results are cached briefly so a busy load balancer does not fan out a probe per check.
 */
export function readinessProbe(opts: {
  urls: () => Map<string, string>;
  loaded: () => boolean;
  timeoutMs: number;
  /** INTERNAL_SECRET: subgraphs answer the gateway's credential only. */
  secret?: string;
  /** Redis, when configured: down only makes the gateway unready if it is `required` (rate limits fail closed). */
  redis?: () => { status: string; required: boolean };
}) {
  let cached: { at: number; result: Promise<Readiness> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > 1000) cached = { at: Date.now(), result: probe() };
    return cached.result;
  };

  async function probe(): Promise<Readiness> {
    const subgraphs: Record<string, string> = {};
    await Promise.all(
      [...opts.urls()].map(async ([name, url]) => {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(opts.secret) },
            body: '{"query":"{ __typename }"}',
            signal: AbortSignal.timeout(opts.timeoutMs),
          });
          subgraphs[name] = res.ok ? 'up' : `down: HTTP ${res.status}`;
        } catch (err) {
          const e = err as Error & { cause?: Error };
          subgraphs[name] = `down: ${e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (e.cause?.message ?? e.message)}`;
        }
      }),
    );
    const redis = opts.redis?.();
    const redisOk = !redis || redis.status === 'up' || !redis.required;
    const ready = opts.loaded() && Object.values(subgraphs).every((s) => s === 'up') && redisOk;
    return {
      status: ready ? 'ready' : 'not ready',
      supergraph: opts.loaded() ? 'loaded' : 'not loaded',
      subgraphs,
      redis: !redis ? 'not configured: rate limits and response cache are per instance' : redis.status === 'up' || redis.required ? redis.status : `${redis.status} (fail-open: serving with per-instance rate limits, response cache bypassed)`,
    };
  }
}

export interface Readiness {
  /** `draining`: SIGTERM received; in-flight requests are being finished. */
  status: 'ready' | 'not ready' | 'draining';
  supergraph: 'loaded' | 'not loaded';
  subgraphs: Record<string, string>;
  redis: string;
}
