import pino from 'pino';

/**
 * Structured JSON logs. The OpenTelemetry pino instrumentation adds trace_id/span_id to every
 * line written inside a traced request, so logs and traces join up.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info') {
  return pino({ name, level, base: { service: name } });
}

export type Logger = ReturnType<typeof createLogger>;
