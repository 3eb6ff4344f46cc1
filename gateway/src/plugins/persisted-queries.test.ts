import path from 'node:path';
import type { GraphQLRequestContext } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../context';
import { FIRST_PARTY_WEB, type Client } from './api-keys';
import { loadManifest, persistedQueries, requestedDocument } from './persisted-queries';

const manifest = loadManifest(path.join(__dirname, '..', '..', '..', 'clients', 'persisted-query-manifest.json'));
const storefront = [...manifest.values()].find((op) => op.name === 'StorefrontHome')!;
const mobile: Client = { name: 'mobile', tier: 'mobile', policy: 'manifest-only' };
const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

/** Runs the plugin's requestDidStart on a request; returns the (rewritten) request and the error it will refuse with. */
async function run(request: Record<string, any>, client: Client = FIRST_PARTY_WEB) {
  const contextValue = { viewer: null, client } as GatewayContext;
  const listener = await persistedQueries({ manifest }).requestDidStart!({ request, contextValue } as unknown as GraphQLRequestContext<GatewayContext>);
  const refusal = await (listener?.didResolveOperation?.({} as never) as Promise<void> | undefined)?.then(
    () => undefined,
    (err: any) => err.extensions as Record<string, unknown>,
  );
  return { request, contextValue, refusal };
}

describe('persisted queries', () => {
  it('finds the id in documentId (body or query string) or in APQ extensions', () => {
    expect(requestedDocument({ http: { method: 'POST', body: { documentId: 'abc' } } as any })).toEqual({ id: 'abc', style: 'documentId' });
    expect(requestedDocument({ http: { method: 'GET', search: '?documentId=abc' } as any })).toEqual({ id: 'abc', style: 'documentId' });
    expect(requestedDocument({ extensions: apq('abc') })).toEqual({ id: 'abc', style: 'apq' });
    expect(requestedDocument({ query: '{ a }' })).toBeUndefined();
  });

  it('serves a manifest id as the manifest body, with no APQ extension left to register', async () => {
    const { request, contextValue, refusal } = await run({ extensions: { ...apq(storefront.id), other: 1 } }, mobile);
    expect(request).toMatchObject({ query: storefront.body, operationName: 'StorefrontHome', extensions: { other: 1 } });
    expect(request.extensions.persistedQuery).toBeUndefined();
    expect(contextValue.persistedDocument).toEqual({ id: storefront.id, name: 'StorefrontHome' });
    expect(refusal).toBeUndefined();
  });

  it('refuses anything but a manifest id from a manifest-only client, without keeping its document', async () => {
    const { request, refusal } = await run({ query: '{ products { totalCount } }' }, mobile);
    expect(refusal).toMatchObject({ code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } });
    expect(request.query).toBe('{ __typename }');
    expect((await run({ extensions: apq('f'.repeat(64)) }, mobile)).refusal?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('leaves ad-hoc documents and unknown APQ hashes of the web app to Apollo Server', async () => {
    const adHoc = await run({ query: '{ products { totalCount } }' });
    expect(adHoc.refusal).toBeUndefined();
    expect(adHoc.request.query).toBe('{ products { totalCount } }');
    const unknownHash = await run({ extensions: apq('f'.repeat(64)) });
    expect(unknownHash.refusal).toBeUndefined();
    expect(unknownHash.request.extensions).toEqual(apq('f'.repeat(64)));
  });

  it('answers an unknown documentId with PERSISTED_QUERY_NOT_FOUND', async () => {
    const { refusal } = await run({ http: { method: 'POST', body: { documentId: 'nope' } } });
    expect(refusal).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } });
  });
});
