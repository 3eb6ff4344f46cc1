import { serverAudits } from 'graphql-http';
import { describe, expect, inject, it } from 'vitest';

/**
 * The GraphQL-over-HTTP conformance audit of graphql-http (the reference implementation's own
 * checks) against the running gateway in development: every MUST and SHOULD passes. MAYs are
 * choices (e.g. GET with variables needs a CSRF-preventing header here) and are not asserted.
 */
describe('GraphQL over HTTP (graphql-http audit)', () => {
  const audits = serverAudits({ url: () => inject('gatewayUrl') }).filter((audit) => !audit.name.startsWith('MAY'));

  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${'reason' in result ? result.reason : ''}`).toBe('ok');
  });
});
