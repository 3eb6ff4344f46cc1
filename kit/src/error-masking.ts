import { trace } from '@opentelemetry/api';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, errorCodes, isErrorCode, type CodeInfo } from './errors';

export interface MaskOptions {
  /** Production: internal messages are replaced, suggestions ("Did you mean …") are stripped. */
  production: boolean;
  /** Where the full error goes (with the trace id); the kit logger or anything pino-shaped. */
  log?: { error: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
}

/** Apollo Server and Gateway errors that come without a listed code, by their (fixed) message. */
const apolloUncoded: Record<string, ErrorCode> = {
  'provided sha does not match query': ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
  'Unsupported persisted query version': ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  // @apollo/gateway's executor throws this with code INVALID_GRAPHQL (a 500 by default): the client's mistake.
  'Must provide operation name if query contains multiple operations.': ErrorCode.OPERATION_RESOLUTION_FAILURE,
};

/** PostgreSQL data exceptions (SQLSTATE class 22) come from bad input, not from a bug. */
const pgDataMessages: Record<string, string> = {
  '22P02': 'An argument is not a valid value of its type (for example a malformed id)',
  '22021': 'An argument contains a character that is not allowed (for example a NUL byte)',
  '22003': 'A number in an argument is out of range',
  '22001': 'A text argument is too long',
  '22007': 'A date or time argument is not valid',
  '22008': 'A date or time argument is out of range',
};

/** The innermost error: Apollo and graphql-js wrap what a resolver threw in GraphQLErrors. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 10 && current instanceof GraphQLError && current.originalError; i++) current = current.originalError;
  return current;
}

function pgDataError(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code) || !('severity' in (cause as object))) return undefined;
  return pgDataMessages[code] ?? 'An argument has a value the database cannot accept';
}

const SUGGESTION = /\s*Did you mean .*\?$/s;

/**
 * The one masking function for every transport and engine (gateway HTTP via Apollo's
 * `formatError`, graphql-ws, both subgraph engines). A listed code passes with its message;
 * anything else is internal: logged in full with the trace id, and in production the client sees
 * only the code and a safe message — never a stack, a path, SQL, an upstream URL or a socket error.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, opts: MaskOptions): GraphQLFormattedError {
  const { path, locations } = formatted;
  const where = { ...(path ? { path } : {}), ...(locations ? { locations } : {}) };
  const cause = rootCause(error);
  const dataError = pgDataError(cause);
  if (dataError) return { message: dataError, ...where, extensions: { code: ErrorCode.BAD_USER_INPUT } };

  let code = formatted.extensions?.code;
  if (!(isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) && apolloUncoded[formatted.message]) code = apolloUncoded[formatted.message];
  const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};

  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    let message = formatted.message;
    if (opts.production && code === ErrorCode.GRAPHQL_VALIDATION_FAILED) message = message.replace(SUGGESTION, '');
    if ((errorCodes[code] as CodeInfo).exposeMessage === false) {
      // Its message may carry internals: the client gets a safe one in production, the log the cause.
      opts.log?.warn({ err: cause ?? error, traceId: traceIdNow(), code, path }, formatted.message);
      if (opts.production) message = safeMessage(code, extensions);
    }
    return { ...formatted, message, extensions: { ...extensions, code } };
  }

  const traceId = traceIdNow();
  opts.log?.error({ err: cause ?? error, traceId, code, path }, 'internal error');
  if (!opts.production) return { ...formatted, extensions: { ...extensions, code: ErrorCode.INTERNAL_SERVER_ERROR, ...(typeof code === 'string' && !isErrorCode(code) ? { originalCode: code } : {}) } };
  return { message: 'Internal server error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(traceId ? { traceId } : {}) } };
}

const traceIdNow = () => trace.getActiveSpan()?.spanContext().traceId;

function safeMessage(code: ErrorCode, extensions: Record<string, unknown>): string {
  const service = typeof extensions.serviceName === 'string' ? ` (${extensions.serviceName})` : '';
  if (code === ErrorCode.SUBGRAPH_UNAVAILABLE) return `A service this request needs is unavailable${service}`;
  if (code === ErrorCode.SUBGRAPH_TIMEOUT) return `A service this request needs did not answer in time${service}`;
  if (code === ErrorCode.SERVICE_UNAVAILABLE) return 'The service is temporarily unavailable';
  return 'Internal server error';
}

/** For transports that hand over a GraphQLError (graphql-ws, mercurius). */
export function formatGraphQLError(error: GraphQLError, opts: MaskOptions): GraphQLFormattedError {
  return maskError(error.toJSON(), error, opts);
}
