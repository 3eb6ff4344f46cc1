import pino from 'pino';
import pretty from 'pino-pretty';

/**
 * `json` (one object per line: production, and whenever a program reads the output) or `pretty`
 * (human-readable, coloured on a terminal). LOG_FORMAT decides; unset, a development process
 * writing to a terminal is pretty and everything else JSON, so `NODE_ENV=production` never is.
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, terminal = Boolean(process.stdout.isTTY)): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return (env.NODE_ENV ?? 'development') === 'development' && terminal ? 'pretty' : 'json';
}

/**
 * Structured logs. When tracing is on (kit/src/telemetry: an OTLP endpoint is set, or
 * OTEL_SDK_DISABLED=false), the OpenTelemetry pino instrumentation adds trace_id/span_id to every
 * line written inside a traced request, so logs and traces join up (in either format).
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', out?: NodeJS.WritableStream) {
  const options = { name, level, base: { service: name } };
  if (logFormat() === 'json') return out ? pino(options, out) : pino(options);
  // Synchronous, in-process (no transport worker): lines keep their order with other output.
  const colorize = !out && Boolean(process.stdout.isTTY);
  return pino(options, pretty({ sync: true, colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', ...(out ? { destination: out } : {}) }));
}

export type Logger = ReturnType<typeof createLogger>;
