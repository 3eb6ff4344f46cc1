import { describe, expect, it } from 'vitest';
import { EventPayloads, Topics } from '@cloudlab/kit/events';
import { INVALIDATING_TOPICS } from './cache-invalidation';

describe('cache invalidation', () => {
  it('listens only to topics that some domain publishes events on (the event catalog)', () => {
    const published = new Set(Object.keys(EventPayloads).map((domain) => Topics[domain as keyof typeof Topics]));
    expect(INVALIDATING_TOPICS.filter((topic) => !published.has(topic as (typeof Topics)[keyof typeof Topics]))).toEqual([]);
  });
});
