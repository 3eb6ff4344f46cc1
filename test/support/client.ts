import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { metricsUrl } from '@cloudlab/kit/metrics-server';

const OPERATIONS = path.join(__dirname, '..', '..', 'clients', 'operations');

/** The first-party client's documents, exactly as the contract writes them. */
export const contract = (file: string) => readFileSync(path.join(OPERATIONS, `${file}.graphql`), 'utf8');

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

/** POSTs an operation to the gateway the way a browser client would. */
export async function gql<T = any>(
  query: string,
  opts: { variables?: Record<string, unknown>; operationName?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(inject('gatewayUrl'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: JSON.stringify({ query, variables: opts.variables ?? {}, operationName: opts.operationName }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse<T>['body'] };
}

export async function login(email: string, password = 'cloudlab-demo'): Promise<string> {
  const res = await gql(contract('accounts'), { operationName: 'Login', variables: { email, password } });
  const token = res.body.data?.login?.accessToken;
  if (!token) throw new Error(`login failed for ${email}: ${JSON.stringify(res.body.errors)}`);
  return token;
}

/** The value of a Prometheus counter at a service's /metrics, on its internal metrics port (`name` may carry labels: `x{a="b"}`). */
export async function counter(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl(baseUrl))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
