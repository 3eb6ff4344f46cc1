import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SubscriptionLimits } from './limits';

describe('subscription limits', () => {
  it('refuses a connection its next subscription past the per-connection cap, until one ends', () => {
    const limits = new SubscriptionLimits({ perConnection: 2, perUser: 10 });
    const conn = { active: 0 };
    const a = limits.acquire(conn, undefined);
    limits.acquire(conn, undefined);
    const refused = limits.acquire(conn, undefined);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions.code).toBe('RATE_LIMITED');
    (a as () => void)();
    (a as () => void)(); // releasing twice gives back one slot only
    expect(conn.active).toBe(1);
    expect(limits.acquire(conn, undefined)).toBeTypeOf('function');
  });

  it('counts a user over all their connections', () => {
    const limits = new SubscriptionLimits({ perConnection: 10, perUser: 3 });
    const [c1, c2] = [{ active: 0 }, { active: 0 }];
    const slots = [limits.acquire(c1, 'u1'), limits.acquire(c1, 'u1'), limits.acquire(c2, 'u1')];
    expect(limits.acquire(c2, 'u1')).toBeInstanceOf(GraphQLError);
    expect(limits.acquire(c2, 'u2')).toBeTypeOf('function'); // someone else is not affected
    (slots[0] as () => void)();
    expect(limits.acquire(c2, 'u1')).toBeTypeOf('function');
  });
});
