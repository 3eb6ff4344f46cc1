import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ErrorCode, errorCodes, statusFor } from './errors';
import { maskError } from './error-masking';

/** README's "Errors" table, row by row, as the list renders it. */
const tableRows = () =>
  Object.entries(errorCodes).map(([code, info]) => `| \`${code}\` | ${info.status ?? '—'} | ${info.meaning} |`);

function readmeErrorRows(): string[] {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## Errors$/m)[1]?.split(/^## /m)[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('| `'));
}

describe('the error code list', () => {
  it('is the table in README "Errors", row for row', () => {
    expect(readmeErrorRows()).toEqual(tableRows());
  });

  it('gives each code as a constant and its HTTP status', () => {
    expect(ErrorCode.RATE_LIMITED).toBe('RATE_LIMITED');
    expect(statusFor('RATE_LIMITED')).toBe(429);
    expect(statusFor('NOT_A_CODE')).toBeUndefined();
  });
});

describe('maskError', () => {
  const logged: object[] = [];
  const log = { error: (obj: object) => void logged.push(obj), warn: (obj: object) => void logged.push(obj) };
  const internal = new GraphQLError('connect ECONNREFUSED 10.0.0.7:5432', {
    path: ['product'],
    originalError: Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { stack: 'at /srv/app/store.ts:12' }),
  });

  it('hides an internal error in production and logs it in full', () => {
    logged.length = 0;
    const masked = maskError({ ...internal.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at /srv'] } }, internal, { production: true, log });
    expect(masked).toEqual({ message: 'Internal server error', path: ['product'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(masked)).not.toMatch(/ECONNREFUSED|srv|5432/);
  });

  it('shows the internal message in development, still without a stack', () => {
    const masked = maskError({ ...internal.toJSON(), extensions: { stacktrace: ['at /srv'] } }, internal, { production: false, log });
    expect(masked.message).toMatch(/ECONNREFUSED/);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('treats a code that is not in the list as internal', () => {
    const odd = new GraphQLError('SELECT * FROM users failed', { extensions: { code: 'WHATEVER' } });
    expect(maskError(odd.toJSON(), odd, { production: true }).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(maskError(odd.toJSON(), odd, { production: true }).message).toBe('Internal server error');
  });

  it('passes a listed code with its message', () => {
    const refused = new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } });
    expect(maskError(refused.toJSON(), refused, { production: true })).toMatchObject({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } });
  });

  it('turns a PostgreSQL data exception into BAD_USER_INPUT without the database message', () => {
    const pg = Object.assign(new Error('invalid input syntax for type uuid: "nope"'), { code: '22P02', severity: 'ERROR' });
    const wrapped = new GraphQLError(pg.message, { originalError: pg, path: ['order'] });
    for (const production of [true, false]) {
      const masked = maskError(wrapped.toJSON(), wrapped, { production });
      expect(masked.extensions?.code).toBe('BAD_USER_INPUT');
      expect(masked.message).not.toMatch(/uuid|nope/);
    }
  });

  it('strips field suggestions in production only', () => {
    const invalid = new GraphQLError('Cannot query field "prodcts" on type "Query". Did you mean "products"?', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(maskError(invalid.toJSON(), invalid, { production: true }).message).toBe('Cannot query field "prodcts" on type "Query".');
    expect(maskError(invalid.toJSON(), invalid, { production: false }).message).toMatch(/Did you mean/);
  });

  it('hides the socket error of an unavailable subgraph in production', () => {
    const down = new GraphQLError('Subgraph "catalog" is unavailable: connect ECONNREFUSED http://10.0.0.3:4002/graphql', { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'catalog' } });
    const masked = maskError(down.toJSON(), down, { production: true });
    expect(masked.message).not.toMatch(/ECONNREFUSED|10\.0/);
    expect(masked.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'catalog' });
  });

  it('gives the gateway executor\'s missing-operation-name error its listed code', () => {
    const many = new GraphQLError('Must provide operation name if query contains multiple operations.', { extensions: { code: 'INVALID_GRAPHQL' } });
    expect(maskError(many.toJSON(), many, { production: true }).extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('gives an APQ hash mismatch its own code', () => {
    const mismatch = new GraphQLError('provided sha does not match query');
    expect(maskError({ message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, mismatch, { production: true }).extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });
});
