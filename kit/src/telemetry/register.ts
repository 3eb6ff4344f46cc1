/**
 * Imported first by every entry point (before pg, http or pino are loaded) so the
 * instrumentations can wrap them. The service name comes from OTEL_SERVICE_NAME.
 */
import { startTelemetry } from './index';

startTelemetry(process.env.OTEL_SERVICE_NAME ?? 'cloudlab');
