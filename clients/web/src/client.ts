import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { persistedExchange } from '@urql/exchange-persisted';
import { createClient as createWsClient } from 'graphql-ws';
import { graphqlUrl, websocketUrl } from './config';
import { documentIdOf } from './persisted-document';

/** How many GraphQL requests (HTTP and graphql-ws) this page has made: the browser tests read it. */
export const requestLog: { name: string; transport: 'http' | 'ws' }[] = [];
(window as unknown as { __cloudlabRequests: typeof requestLog }).__cloudlabRequests = requestLog;

/**
 * The app's GraphQL client for one token (a new one after sign-in or sign-out). Every operation is
 * a manifest id: over HTTP as `extensions.persistedQuery.sha256Hash` without the query (POST, so no
 * CSRF preflight header is needed), over graphql-ws as `documentId`. No query text is ever sent.
 */
export function makeClient(token: string | null): { client: Client; close: () => void } {
  const ws = createWsClient({
    url: websocketUrl(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
  });
  const client = new Client({
    url: graphqlUrl(),
    preferGetMethod: false,
    fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>) }),
    exchanges: [
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        generateHash: async (_query, document) => {
          const id = documentIdOf(document);
          if (!id) throw new Error('only manifest operations may be sent');
          return id;
        },
      }),
      // Counts what goes out over HTTP (what the cache could not answer), by name.
      mapExchange({
        onOperation(op) {
          if (op.kind === 'query' || op.kind === 'mutation') requestLog.push({ name: nameOf(op.query), transport: 'http' });
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          const documentId = documentIdOf(operation.query)!;
          requestLog.push({ name: request.operationName ?? '', transport: 'ws' });
          return {
            subscribe: (sink) => ({
              unsubscribe: ws.subscribe(
                { query: '', documentId, operationName: request.operationName, variables: request.variables } as never,
                sink as never,
              ),
            }),
          };
        },
      }),
    ],
  });
  return { client, close: () => void ws.dispose() };
}

const nameOf = (document: { definitions: readonly unknown[] }) =>
  (document.definitions[0] as { name?: { value: string } } | undefined)?.name?.value ?? '';
