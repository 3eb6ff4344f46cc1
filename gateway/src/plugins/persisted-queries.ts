import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@cloudlab/kit';
import { z } from 'zod';
import type { GatewayContext } from '../context';

const manifestFile = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});
export type ManifestOperation = z.infer<typeof manifestFile>['operations'][number];

/** The trusted documents, by id, from an `apollo-persisted-query-manifest` file (`pnpm persisted`). */
export function loadManifest(file: string): Map<string, ManifestOperation> {
  const parsed = manifestFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a persisted-query manifest: ${parsed.error.issues[0]?.message}`);
  return new Map(parsed.data.operations.map((op) => [op.id, op]));
}

/**
 * The id a request names a document by, if any: a top-level `documentId` (POST body or query
 * string) or, APQ style, `extensions.persistedQuery.sha256Hash`.
 */
export function requestedDocument(request: GraphQLRequest): { id: string; style: 'documentId' | 'apq' } | undefined {
  const body = request.http?.body as { documentId?: unknown } | undefined;
  const documentId =
    (typeof body === 'object' && body !== null ? body.documentId : undefined) ??
    (request.http?.method === 'GET' ? new URLSearchParams(request.http.search).get('documentId') : undefined);
  if (typeof documentId === 'string' && documentId) return { id: documentId, style: 'documentId' };
  const hash = request.extensions?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' && hash ? { id: hash, style: 'apq' } : undefined;
}

const refusal = (code: string, message: string) => new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Until a refused request reaches `didResolveOperation` (where a plugin's error becomes the
 * response; thrown earlier it would be a 500), it carries this constant document instead of
 * anything the client sent, so nothing untrusted is parsed, checked or planned.
 */
const REFUSED_DOCUMENT = '{ __typename }';

/**
 * Trusted documents. A request that names a manifest id (`documentId`, or APQ's sha256Hash with
 * or without the query) is served the manifest's body — also over GET, which makes it cacheable
 * by a CDN. A client whose API key is `manifest-only` may send nothing else:
 * PERSISTED_QUERY_NOT_IN_LIST (400). An unknown `documentId` is PERSISTED_QUERY_NOT_FOUND (400).
 * Everything else (ad-hoc documents, APQ for ids not in the manifest) goes on to Apollo Server,
 * whose APQ cache (Redis when REDIS_URL is set) handles the APQ protocol.
 */
export function persistedQueries(opts: { manifest: Map<string, ManifestOperation> }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const asked = requestedDocument(request);
      const trusted = asked && opts.manifest.get(asked.id);
      const { persistedQuery: _, ...extensions } = request.extensions ?? {};
      if (trusted) {
        // Served from the manifest, not APQ's cache: nothing to register, and the id must not be
        // re-checked against an attacker-supplied query.
        request.query = trusted.body;
        request.operationName = trusted.name;
        request.extensions = extensions;
        contextValue.persistedDocument = { id: trusted.id, name: trusted.name };
        return;
      }
      let error: GraphQLError | undefined;
      if (contextValue.client?.policy === 'manifest-only') {
        error = refusal(ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, `Client "${contextValue.client.name}" may only send operations from the persisted-query manifest (by id)`);
      } else if (asked?.style === 'documentId') {
        error = refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, `No persisted operation has the id ${asked.id}`);
      }
      if (!error) return;
      request.query = REFUSED_DOCUMENT;
      request.operationName = undefined;
      request.extensions = extensions;
      const refused = error;
      return {
        async didResolveOperation() {
          throw refused;
        },
      };
    },
  };
}
