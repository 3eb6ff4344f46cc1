/**
 * Imported first by every entry point (before pg, http or pino are loaded) so the
 * instrumentations can wrap them. The service name comes from OTEL_SERVICE_NAME.
 */
import { startTelemetry } from './index';

// Apollo's packages report anonymous usage unless told not to; nothing of ours phones home.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

startTelemetry(process.env.OTEL_SERVICE_NAME ?? 'cloudlab');
