import { describe, expect, it } from 'vitest';
import { startConfig } from './config';

describe('pnpm start settings', () => {
  it('--read-replica asks for the project’s primary + replica pair', () => {
    expect(startConfig({}, ['--read-replica']).readReplica).toBe(true);
    expect(startConfig({}, []).readReplica).toBe(false);
  });

  it('--read-replica with DATABASE_URL set is refused with a message naming both', () => {
    expect(() => startConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' }, ['--read-replica'])).toThrow(
      /--read-replica starts its own primary and replica: unset DATABASE_URL/,
    );
  });
});
