import { describe, expect, it } from 'vitest';
import { createEnvelope, envelopeToMessage, type EventBus, type MessageHandler, type SubscribeOptions } from '../events';
import { createLogger } from '../logger';
import { startLiveEvents } from './live-events';

/** A bus that records how it was subscribed and lets the test deliver messages by hand. */
function fakeBus() {
  const subscriptions: SubscribeOptions[] = [];
  let handler: MessageHandler | undefined;
  const bus = {
    kind: 'embedded',
    publish: async () => undefined,
    subscribe: async (o: SubscribeOptions) => {
      subscriptions.push(o);
      handler = o.handler;
      return { close: async () => undefined };
    },
    close: async () => undefined,
  } as unknown as EventBus;
  let offset = 0;
  const deliver = (type: string, aggregateId: string, data: unknown = {}) =>
    handler!({ ...envelopeToMessage(createEnvelope('inventory', { type, aggregateId, data })), topic: 'cloudlab.inventory', partition: 0, offset: String(offset++) });
  return { bus, subscriptions, deliver, raw: (value: string) => handler!({ key: 'k', value, headers: {}, topic: 'cloudlab.inventory', partition: 0, offset: String(offset++) }) };
}

const log = createLogger('test', 'silent');

describe('live events of a subgraph instance', () => {
  it('holds one broadcast subscription for all its listeners', async () => {
    const { bus, subscriptions } = fakeBus();
    const { live } = await startLiveEvents({ bus, topics: ['cloudlab.inventory'], log });
    live.listen(() => true);
    live.listen(() => true);
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]).toMatchObject({ broadcast: true, topics: ['cloudlab.inventory'] });
    expect(subscriptions[0]!.groupId).toBeUndefined();
  });

  it('hands each listener the events its filter accepts, in order', async () => {
    const { bus, deliver } = fakeBus();
    const { live } = await startLiveEvents({ bus, topics: ['cloudlab.inventory'], log });
    const a = live.listen((e) => e.aggregateId === 'a');
    const all = live.listen(() => true);
    await deliver('StockChanged', 'a', { n: 1 });
    await deliver('StockChanged', 'b', { n: 2 });
    await deliver('StockChanged', 'a', { n: 3 });
    expect([(await a.next()).value?.data, (await a.next()).value?.data]).toEqual([{ n: 1 }, { n: 3 }]);
    expect((await all.next()).value?.aggregateId).toBe('a');
    expect((await all.next()).value?.aggregateId).toBe('b');
  });

  it('skips a malformed message without failing the bus handler, and forgets a listener that left', async () => {
    const { bus, deliver, raw } = fakeBus();
    const { live } = await startLiveEvents({ bus, topics: ['cloudlab.inventory'], log });
    const gone = live.listen(() => true);
    const stays = live.listen(() => true);
    await gone.return();
    await expect(raw('not json')).resolves.toBeUndefined();
    await deliver('StockChanged', 'a');
    expect((await stays.next()).value?.type).toBe('StockChanged');
    expect(await gone.next()).toEqual({ value: undefined, done: true });
  });
});
