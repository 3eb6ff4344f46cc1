import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const server = path.join(__dirname, 'server.ts');

describe('the orders process with a wrong setting', () => {
  it('stops with exit code 1 and a message naming the variable, without a stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', server], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, ORDER_MAX_QUANTITY: 'abc', OTEL_SERVICE_NAME: 'orders', OTEL_SDK_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^orders: invalid configuration:\n {2}ORDER_MAX_QUANTITY="abc": /);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack frames
  }, 40_000);
});
