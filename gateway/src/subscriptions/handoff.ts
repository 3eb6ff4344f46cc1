import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';

/** A subscription that passed every edge plugin: what the subscription hub needs to serve it. */
export interface AcceptedSubscription {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** Where a graphql-ws operation's context says "hand an accepted subscription to me". */
export const ACCEPT_SUBSCRIPTION = Symbol('accept subscription');

export type HandoffContext = { [ACCEPT_SUBSCRIPTION]?: (accepted: AcceptedSubscription) => void };

/**
 * The end of Apollo Server's request pipeline for subscriptions. graphql-ws sends every operation
 * through the same `executeOperation` as HTTP, so persisted-query policy, the document cache,
 * parse/validation, operation limits and rate limits run once, as plugins, for every transport.
 * A subscription that gets this far (`responseForOperation` runs after every `didResolveOperation`)
 * is handed to the graphql-ws server through its context instead of being executed: @apollo/gateway
 * cannot execute subscriptions; the subscription hub streams them (README.md here).
 * Over HTTP (no hand-off in the context) nothing changes.
 */
export function subscriptionHandoff(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, document, operationName, request, contextValue }) {
          const accept = (contextValue as HandoffContext)[ACCEPT_SUBSCRIPTION];
          // Typed as always set, but undefined when `operationName` names no operation in the
          // document: the executor then answers OPERATION_RESOLUTION_FAILURE.
          if ((operation as typeof operation | undefined)?.operation !== 'subscription' || !accept) return null;
          accept({ document, operationName: operationName ?? undefined, variables: request.variables ?? {} });
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: {} } };
        },
      };
    },
  };
}
