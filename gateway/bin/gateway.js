#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the package needs no build step.
process.env.OTEL_SERVICE_NAME ??= 'gateway';
require('tsx/cjs/api').register();
require('../src/main.ts');
