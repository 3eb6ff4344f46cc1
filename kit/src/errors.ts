import { GraphQLError } from 'graphql';

export interface CodeInfo {
  /** The HTTP status when this error ends a request before execution; null: graphql-ws only. */
  status: number | null;
  meaning: string;
  /** false: the message may carry internals (an upstream URL, a socket error), so production shows `meaning`. */
  exposeMessage?: boolean;
}

/**
 * Every `extensions.code` Cloud Lab emits, with its HTTP status and what it means: the one list
 * clients can rely on. README "Errors" shows it as a table (a unit test keeps the two in step).
 * An error with a code not listed here is treated as internal.
 */
export const errorCodes = {
  UNAUTHENTICATED: { status: 401, meaning: 'no valid identity: a bad or expired token, an unknown `x-api-key`, a wrong password, a field that needs sign-in (200 then)' },
  FORBIDDEN: { status: 403, meaning: 'signed in, but not allowed (200 with the error when only a field is refused)' },
  BAD_USER_INPUT: { status: 400, meaning: 'an argument or variable is invalid: out of range, a malformed id, a NUL byte, a cursor this API did not issue (200 when a resolver says so)' },
  NOT_FOUND: { status: 404, meaning: 'the thing asked for does not exist (200 with the error inside a GraphQL response)' },
  CONFLICT: { status: 409, meaning: 'an idempotency key was reused with a different payload' },
  BAD_REQUEST: { status: 400, meaning: 'not a GraphQL request: malformed JSON, JSON nested deeper than `JSON_MAX_DEPTH`, no query, a CSRF-prone request without a preflight header' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the body is larger than `BODY_LIMIT_BYTES`' },
  GRAPHQL_PARSE_FAILED: { status: 400, meaning: 'syntax error in the document (200 for clients that accept only `application/json`)' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, meaning: 'unknown field, wrong argument type… (200 for clients that accept only `application/json`)' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, meaning: '`operationName` names no operation in the document' },
  OPERATION_TOO_DEEP: { status: 400, meaning: 'nested deeper than `OPERATION_MAX_DEPTH`; `extensions.limit`/`actual` say by how much' },
  TOO_MANY_ALIASES: { status: 400, meaning: 'more aliases than `OPERATION_MAX_ALIASES`' },
  TOO_MANY_ROOT_FIELDS: { status: 400, meaning: 'more root fields than `OPERATION_MAX_ROOT_FIELDS`' },
  TOO_MANY_TOKENS: { status: 400, meaning: 'more lexical tokens than `OPERATION_MAX_TOKENS`' },
  OPERATION_TOO_COMPLEX: { status: 400, meaning: 'estimated cost over `OPERATION_MAX_COST`; no subgraph was called' },
  PERSISTED_QUERY_NOT_IN_LIST: { status: 400, meaning: 'a `manifest-only` API key sent something other than a manifest id' },
  PERSISTED_QUERY_NOT_FOUND: { status: 400, meaning: 'unknown `documentId`; for an APQ hash not registered yet 200 (the client then sends the query)' },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, meaning: 'an APQ version other than 1' },
  PERSISTED_QUERY_HASH_MISMATCH: { status: 400, meaning: 'the APQ sha256Hash is not the hash of the query sent with it' },
  RATE_LIMITED: { status: 429, meaning: 'over the caller\'s rate limit (`Retry-After`, `extensions.retryAfter`), over a graphql-ws subscription limit, or `placeOrder` while the order saga\'s backlog is full (`SAGA_MAX_PENDING_ORDERS`)' },
  SUBGRAPH_UNAVAILABLE: { status: 502, meaning: 'a subgraph is down: 200 with partial data, `extensions.serviceName` names it', exposeMessage: false },
  SUBGRAPH_TIMEOUT: { status: 504, meaning: 'a subgraph was slower than `SUBGRAPH_TIMEOUT_MS`: 200 with partial data', exposeMessage: false },
  SERVICE_UNAVAILABLE: { status: 503, meaning: 'a dependency is unreachable (Redis with `RATE_LIMIT_FAIL_OPEN=false`, the token keys), or the supergraph is not loaded yet', exposeMessage: false },
  GATEWAY_TIMEOUT: { status: 504, meaning: 'the request took longer than `REQUEST_TIMEOUT_MS`' },
  SUBSCRIPTION_OVERFLOW: { status: null, meaning: 'graphql-ws: the client fell `SUBSCRIPTIONS_MAX_QUEUE` results behind; its subscription ended' },
  INTERNAL_SERVER_ERROR: { status: 500, meaning: 'a bug or an unexpected failure: masked in production and logged in full with the trace id', exposeMessage: false },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof errorCodes;
/** `ErrorCode.NOT_FOUND === 'NOT_FOUND'`: emitters import the constant instead of spelling the string. */
export const ErrorCode = Object.fromEntries(Object.keys(errorCodes).map((code) => [code, code])) as { readonly [C in ErrorCode]: C };

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(errorCodes, code);

export function statusFor(code: unknown): number | undefined {
  return isErrorCode(code) ? (errorCodes[code].status ?? undefined) : undefined;
}

/** A GraphQLError with a listed code; `http: true` also sets the code's HTTP status for the transport. */
export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, opts: { http?: boolean } = {}) {
  const http = opts.http && errorCodes[code].status ? { http: { status: errorCodes[code].status } } : {};
  return new GraphQLError(message, { extensions: { code, ...http, ...extra } });
}

export const unauthenticated = (message = 'You must be signed in') => appError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => appError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, field?: string) => appError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
