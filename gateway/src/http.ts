import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { ErrorCode, statusFor, type Logger } from '@cloudlab/kit';
import type { GatewayContext } from './context';
import { jsonTooDeep } from './json-depth';
import type { Readiness } from './readiness';

interface Deps {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  /** `self`: this instance only (loaded, not draining), for a balancer's health check; else every subgraph too. */
  readiness: (self?: boolean) => Promise<Readiness>;
  bodyLimit: number;
  /** Deeper JSON in the body or a GET parameter gets 400 BAD_REQUEST. */
  jsonMaxDepth: number;
  /** A GraphQL request not answered by then gets 504 GATEWAY_TIMEOUT. */
  requestTimeoutMs?: number;
  /** Adds CORS headers; answers a preflight and returns true. */
  cors?: (req: IncomingMessage, res: ServerResponse) => boolean;
  log: Logger;
}

/** The gateway's public HTTP surface: /graphql (GET and POST), /healthz, /readyz. /metrics is on an internal port. */
export function httpHandler(deps: Deps) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (deps.cors?.(req, res)) return;
      switch (url.pathname) {
        case '/healthz':
          return sendJson(res, 200, { status: 'ok' });
        case '/readyz': {
          const readiness = await deps.readiness(url.searchParams.get('scope') === 'self');
          return sendJson(res, readiness.status === 'ready' ? 200 : 503, readiness);
        }
        case '/graphql':
          return await graphql(req, res, url, deps);
        default:
          return sendJson(res, 404, { errors: [{ message: 'Not found: GraphQL is at /graphql', extensions: { code: ErrorCode.NOT_FOUND } }] });
      }
    } catch (err) {
      deps.log.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
      else res.destroy();
    }
  };
}

async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, deps: Deps) {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const tooDeep = () => badRequest(res, 400, ErrorCode.BAD_REQUEST, `JSON nested deeper than ${deps.jsonMaxDepth} levels`);
  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, deps.bodyLimit);
    if (raw === null) return badRequest(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body is larger than ${deps.bodyLimit} bytes`);
    const type = headers.get('content-type') ?? '';
    if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
      const text = raw.toString('utf8');
      if (jsonTooDeep(text, deps.jsonMaxDepth)) return tooDeep();
      try {
        body = raw.length ? JSON.parse(text) : undefined;
      } catch {
        return badRequest(res, 400, ErrorCode.BAD_REQUEST, 'Malformed JSON in request body');
      }
    } else {
      body = raw.toString('utf8');
    }
  } else if (['variables', 'extensions'].some((name) => jsonTooDeep(url.searchParams.get(name) ?? '', deps.jsonMaxDepth))) {
    return tooDeep();
  }
  const result = await withTimeout(
    deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => deps.context(req),
    }),
    deps.requestTimeoutMs,
  );
  if (result === TIMED_OUT) {
    deps.log.warn({ timeoutMs: deps.requestTimeoutMs }, 'request timed out');
    return badRequest(res, 504, ErrorCode.GATEWAY_TIMEOUT, `The request did not complete within ${deps.requestTimeoutMs} ms`);
  }
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    if (res.statusCode === 400 && requestErrorsOnly(result.headers.get('content-type'), result.body.string)) res.statusCode = 200;
    else if (res.statusCode === 500) res.statusCode = listedStatus(result.body.string) ?? 500;
    return res.end(result.body.string);
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Errors GraphQL-over-HTTP answers with 200 to a legacy `application/json` client (400 with `application/graphql-response+json`). */
const REQUEST_ERRORS = new Set<unknown>([ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.BAD_USER_INPUT]);

/** Whether an application/json response carries only parse, validation or variable-coercion errors. */
function requestErrorsOnly(contentType: string | undefined, body: string): boolean {
  if (!contentType?.startsWith('application/json')) return false;
  try {
    const { errors } = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return !!errors?.length && errors.every((e) => REQUEST_ERRORS.has(e.extensions?.code));
  } catch {
    return false;
  }
}

/**
 * A 500 whose errors all carry a listed client-error code (e.g. a missing operation name that
 * @apollo/gateway throws as an unexpected error) gets that code's status instead.
 */
function listedStatus(body: string): number | undefined {
  try {
    const { errors, data } = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    const statuses = new Set((errors ?? []).map((e) => statusFor(e.extensions?.code)));
    const [status] = statuses;
    return data === undefined && statuses.size === 1 && status !== undefined && status >= 400 && status < 500 ? status : undefined;
  } catch {
    return undefined;
  }
}

const TIMED_OUT = Symbol('timed out');

/** The work's result, or TIMED_OUT when it takes longer (it is not cancelled: subgraph fetches have their own timeout). */
async function withTimeout<T>(work: Promise<T>, ms: number | undefined): Promise<T | typeof TIMED_OUT> {
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function badRequest(res: ServerResponse, status: number, code: ErrorCode, message: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

function sendJson(res: ServerResponse, status: number, payload: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}
