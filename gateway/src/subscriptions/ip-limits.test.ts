import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { connectionLimits } from './ip-limits';

const from = (ip: string) => ({ socket: { remoteAddress: ip } }) as unknown as IncomingMessage;
const ipOf = (req: IncomingMessage) => req.socket.remoteAddress!;

describe('graphql-ws connections per client IP', () => {
  it('refuses a connection over the open-connection limit until one closes, per IP', () => {
    const limits = connectionLimits({ maxPerIp: 2, connectsPerMin: 100 }, ipOf);
    const closeFirst = limits.opened(from('10.0.0.1'));
    limits.opened(from('10.0.0.1'));
    expect(limits.admit(from('10.0.0.1'))).toMatchObject({ status: 429 });
    expect(limits.admit(from('10.0.0.2'))).toBeUndefined();
    closeFirst();
    closeFirst(); // idempotent
    expect(limits.admit(from('10.0.0.1'))).toBeUndefined();
  });

  it('refuses attempts over the per-minute limit, and admits again in the next minute', () => {
    const limits = connectionLimits({ maxPerIp: 100, connectsPerMin: 3 }, ipOf);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limits.admit(from('10.0.0.1'), t0 + i)).toBeUndefined();
    expect(limits.admit(from('10.0.0.1'), t0 + 10)).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    expect(limits.admit(from('10.0.0.9'), t0 + 10)).toBeUndefined();
    expect(limits.admit(from('10.0.0.1'), t0 + 60_000)).toBeUndefined();
  });
});
