import { describe, expect, it } from 'vitest';
import { EventPayloads, Topics } from '@cloudlab/kit/events';
import { INVALIDATING_TOPICS, tagsOf } from './cache-invalidation';
import { listingTag, listingTags } from './plugins/response-cache';
import { parse, type OperationDefinitionNode } from 'graphql';

describe('cache invalidation', () => {
  it('listens only to topics that some domain publishes events on (the event catalog)', () => {
    const published = new Set(Object.keys(EventPayloads).map((domain) => Topics[domain as keyof typeof Topics]));
    expect(INVALIDATING_TOPICS.filter((topic) => !published.has(topic as (typeof Topics)[keyof typeof Topics]))).toEqual([]);
  });

  it('drops the storefront listing when a product is listed, and only the entities named when one changes', () => {
    const P = '11111111-1111-4111-8111-111111111111';
    const V = '22222222-2222-4222-8222-222222222222';
    const C = '33333333-3333-4333-8333-333333333333';
    const storefront = listingTags(parse('query { products(first: 12) { edges { node { id } } } categories { id } }').definitions[0] as OperationDefinitionNode);
    const created = tagsOf({ type: 'ProductCreated', aggregateId: P, data: { productId: P, vendorId: V, categoryId: C, price: '1.00' } });
    const updated = tagsOf({ type: 'ProductUpdated', aggregateId: P, data: { productId: P, vendorId: V, price: '2.00' } });
    expect([...storefront].filter((t) => created.has(t))).toEqual([listingTag('products')]);
    expect([...storefront].filter((t) => updated.has(t))).toEqual([]);
    // Not the vendor's tag: a price change does not change what the vendor's other products show.
    expect(updated).toEqual(new Set([P.toLowerCase()]));
    expect(created).toEqual(new Set([P.toLowerCase(), C.toLowerCase(), listingTag('products')]));
  });

  it('drops the responses that show a product when it gets a review (its rating and review count change)', () => {
    const R = '44444444-4444-4444-8444-444444444444';
    const P = '55555555-5555-4555-8555-555555555555';
    expect(INVALIDATING_TOPICS).toContain(Topics.reviews);
    expect(tagsOf({ type: 'ReviewPosted', aggregateId: R, data: { reviewId: R, productId: P, rating: 4 } }).has(P)).toBe(true);
  });
});

describe('cache invalidation for images', () => {
  it("drops the responses that show a product when one of its images is ready, not the vendor's other pages", () => {
    const M = '66666666-6666-4666-8666-666666666666';
    const P = '77777777-7777-4777-8777-777777777777';
    const V = '88888888-8888-4888-8888-888888888888';
    expect(INVALIDATING_TOPICS).toContain(Topics.content);
    expect(tagsOf({ type: 'MediaReady', aggregateId: M, data: { mediaId: M, productId: P, vendorId: V, position: 0 } })).toEqual(new Set([M, P]));
  });
});
