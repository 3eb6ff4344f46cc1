import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@cloudlab/kit';

/**
 * A subgraph that pushes back (orders' placeOrder when the saga's backlog is full) answers a
 * GraphQL error RATE_LIMITED with `extensions.retryAfter`. When that refusal is the whole answer
 * (no data, every error RATE_LIMITED), the client gets what the gateway's own limiter gives:
 * HTTP 429 with Retry-After (the longest asked for), so retrying HTTP clients back off on their own.
 */
export function upstreamRefusals(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const retryAfter = refusalRetryAfter(data, errors);
          if (retryAfter === undefined) return;
          response.http.status = 429;
          response.http.headers.set('retry-after', String(retryAfter));
        },
      };
    },
  };
}

/** The Retry-After (seconds) when an answer is nothing but RATE_LIMITED refusals; undefined otherwise. */
export function refusalRetryAfter(data: unknown, errors: readonly { extensions?: Record<string, unknown> }[] | undefined): number | undefined {
  if (!errors?.length || !noData(data)) return undefined;
  let most = 0;
  for (const e of errors) {
    if (e.extensions?.code !== ErrorCode.RATE_LIMITED) return undefined;
    most = Math.max(most, Number(e.extensions.retryAfter) || 1);
  }
  return Math.ceil(most);
}

/** null, or an object whose fields are all null (a failed mutation's `{ placeOrder: null }`). */
function noData(data: unknown): boolean {
  if (data === null || data === undefined) return true;
  return typeof data === 'object' && Object.values(data as object).every((v) => v === null);
}
