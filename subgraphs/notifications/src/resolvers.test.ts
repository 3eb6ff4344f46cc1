import { describe, expect, it } from 'vitest';
import type { Queryable } from '@cloudlab/kit';
import { resolvers } from './resolvers';

const me = '22222222-2222-4222-8222-222222222222';
const someoneElse = '33333333-3333-4333-8333-333333333333';
const db: Queryable = { query: async (sql: string) => ({ rows: sql.includes('count(*)') ? [{ total: 0, unread: 0 }] : [], rowCount: 0 }) as never };
const ctx = (userId: string | null) => ({ db, loaders: {}, viewer: userId ? { userId, role: 'ADMIN', vendorId: null } : null }) as never;
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { extensions?: { code?: string } }) => e.extensions?.code);

describe('notifications resolvers', () => {
  it("refuse anyone's notifications and preferences but the user's own (admins included)", async () => {
    const notifications = resolvers.User.notifications as (u: unknown, a: unknown, c: unknown) => Promise<unknown>;
    const preferences = resolvers.User.notificationPreferences as (u: unknown, a: unknown, c: unknown) => Promise<unknown>;
    expect(await codeOf(notifications({ id: me }, { first: 5 }, ctx(someoneElse)))).toBe('FORBIDDEN');
    expect(await codeOf(preferences({ id: me }, {}, ctx(someoneElse)))).toBe('FORBIDDEN');
    expect(await codeOf(notifications({ id: me }, { first: 5 }, ctx(null)))).toBe('UNAUTHENTICATED');
    expect(await codeOf(notifications({ id: me }, { first: 5 }, ctx(me)))).toBe('ok');
  });
});
