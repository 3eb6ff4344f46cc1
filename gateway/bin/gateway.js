#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the package needs no build step. tsx's loader
// (what `node --import tsx` loads) handles require() and import() of TypeScript alike: the Kafka
// client's module is imported only when KAFKA_BROKERS is set.
process.env.OTEL_SERVICE_NAME ??= 'gateway';
import('tsx').then(() => require('../src/main.ts'));
