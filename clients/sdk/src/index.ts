import { OPERATIONS, type OperationTypes } from './operations';

export { OPERATIONS, type OperationTypes };
export type OperationName = keyof OperationTypes;
type Kind<N extends OperationName> = (typeof OPERATIONS)[N]['type'];
export type QueryName = { [N in OperationName]: Kind<N> extends 'query' ? N : never }[OperationName];
export type MutationName = { [N in OperationName]: Kind<N> extends 'mutation' ? N : never }[OperationName];
export type SubscriptionName = { [N in OperationName]: Kind<N> extends 'subscription' ? N : never }[OperationName];
export type Result<N extends OperationName> = OperationTypes[N]['result'];
export type Variables<N extends OperationName> = OperationTypes[N]['variables'];

/** A GraphQL error the API answered with: `code` is the gateway's (see the README's "Errors"). */
export class CloudLabError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly errors: { message: string; extensions?: Record<string, unknown> }[],
  ) {
    super(message);
    this.name = 'CloudLabError';
  }
}

export interface CloudLabOptions {
  /** The gateway's GraphQL endpoint, e.g. https://api.example.com/graphql. */
  url: string;
  /** Your API key (`pnpm api-key <name> <tier> manifest-only`), sent as `x-api-key`. */
  apiKey: string;
  /** A signed-in user's access token (from Login or SignUp), sent as `Authorization: Bearer`. */
  token?: string;
  /** Queries go out as GET (cacheable by a CDN) unless the URL would be longer than this. Default 2000. */
  maxGetUrlLength?: number;
  fetch?: typeof fetch;
}

/**
 * A typed client for the manifest's operations. Every request names its operation by manifest id
 * (`documentId`) only: no GraphQL text leaves the app, so the gateway serves it to a
 * `manifest-only` key. Queries use GET (with `x-api-key`, Apollo's CSRF check passes, and a public
 * answer can be cached by a CDN), mutations POST.
 */
export class CloudLab {
  private token: string | undefined;
  constructor(private readonly options: CloudLabOptions) {
    this.token = options.token;
  }

  /** Signs requests as this user from now on (undefined: anonymous). */
  setToken(token: string | undefined): void {
    this.token = token;
  }

  private headers(): Record<string, string> {
    return { 'x-api-key': this.options.apiKey, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }

  /** Runs a query or mutation of the manifest by name; resolves with its typed `data` or throws CloudLabError. */
  async request<N extends QueryName | MutationName>(name: N, ...args: {} extends Variables<N> ? [variables?: Variables<N>] : [variables: Variables<N>]): Promise<Result<N>> {
    const op = OPERATIONS[name];
    const variables = args[0] ?? {};
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    const get = new URL(this.options.url);
    get.searchParams.set('documentId', op.id);
    get.searchParams.set('variables', JSON.stringify(variables));
    if (op.type === 'query' && get.toString().length <= (this.options.maxGetUrlLength ?? 2000)) {
      res = await doFetch(get, { headers: this.headers() });
    } else {
      res = await doFetch(this.options.url, {
        method: 'POST',
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: op.id, operationName: name, variables }),
      });
    }
    let body: { data?: Result<N> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new CloudLabError(`The API answered ${res.status} without a GraphQL response`, 'BAD_RESPONSE', res.status, []);
    }
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw new CloudLabError(first.message, String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), res.status, body.errors);
    }
    if (!body.data) throw new CloudLabError(`The API answered ${res.status} without data`, 'BAD_RESPONSE', res.status, []);
    return body.data;
  }

  /**
   * What to send as a subscription over graphql-ws (the gateway's /graphql, `ws(s)://`): pass it
   * to a graphql-ws client's `subscribe`, created with `connectionParams: client.connectionParams()`.
   */
  subscription<N extends SubscriptionName>(name: N, variables: Variables<N>): { query: string; documentId: string; operationName: N; variables: Variables<N> } {
    return { query: '', documentId: OPERATIONS[name].id, operationName: name, variables };
  }

  /** graphql-ws `connectionParams`: the API key and the user's token. */
  connectionParams(): Record<string, string> {
    return { 'x-api-key': this.options.apiKey, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
  }
}
