import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A manifest operation as urql sees it: kind and name only, plus the id the gateway knows it by. */
export type PersistedDocument<Result, Variables> = TypedDocumentNode<Result, Variables> & { readonly documentId: string };

export function persisted<Result, Variables>(
  operation: 'query' | 'mutation' | 'subscription',
  name: string,
  documentId: string,
): PersistedDocument<Result, Variables> {
  const document = {
    kind: 'Document',
    definitions: [
      {
        kind: 'OperationDefinition',
        operation,
        name: { kind: 'Name', value: name },
        variableDefinitions: [],
        directives: [],
        selectionSet: { kind: 'SelectionSet', selections: [] },
      },
    ],
    documentId,
  };
  return document as unknown as PersistedDocument<Result, Variables>;
}

/** The manifest id of a document built by `persisted` (undefined for anything else). */
export const documentIdOf = (document: unknown): string | undefined => (document as { documentId?: string }).documentId;
