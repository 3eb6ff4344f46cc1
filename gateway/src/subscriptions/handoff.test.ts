import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ACCEPT_SUBSCRIPTION, subscriptionHandoff, type AcceptedSubscription } from './handoff';

async function responseFor(operation: 'query' | 'subscription', accept?: (a: AcceptedSubscription) => void) {
  const document = parse(`${operation} S { a }`);
  const rc = {
    operation: { operation },
    document,
    operationName: 'S',
    request: { variables: { x: 1 } },
    contextValue: accept ? { [ACCEPT_SUBSCRIPTION]: accept } : {},
  };
  const listener = await subscriptionHandoff().requestDidStart!(rc as never);
  return { document, response: await listener!.responseForOperation!(rc as never) };
}

describe('the end of the request pipeline for graphql-ws subscriptions', () => {
  it('hands a subscription that passed every plugin to the socket instead of executing it', async () => {
    const accepted: AcceptedSubscription[] = [];
    const { document, response } = await responseFor('subscription', (a) => accepted.push(a));
    expect(accepted).toEqual([{ document, operationName: 'S', variables: { x: 1 } }]);
    expect(response?.body).toEqual({ kind: 'single', singleResult: {} });
  });

  it('leaves queries, and subscriptions over HTTP (nothing to hand to), to execution', async () => {
    expect((await responseFor('query', () => undefined)).response).toBeNull();
    expect((await responseFor('subscription')).response).toBeNull();
  });
});
