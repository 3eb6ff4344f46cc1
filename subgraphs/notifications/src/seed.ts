import { DEMO_USERS, demoPlan, type DemoPlan, type Queryable, type SeedSizes } from '@cloudlab/kit';

/**
 * The demo accounts (the three demo logins and the generated customers) were seeded by accounts
 * and never signed up, so no UserSignedUp tells notifications where their e-mail goes. They come
 * from the same deterministic plan accounts seeds from, written into the read model's known_users.
 * Each insert leaves a row alone (ON CONFLICT DO NOTHING), so seeding again, or after events, changes nothing.
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const users = [
    ...DEMO_USERS.map((u) => ({ id: u.id, email: u.email, name: u.name })),
    ...Array.from({ length: plan.sizes.customers }, (_, i) => plan.customer(i)),
  ];
  await q.query(
    `INSERT INTO known_users (user_id, email, name)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT (user_id) DO NOTHING`,
    [users.map((u) => u.id), users.map((u) => u.email), users.map((u) => u.name)],
  );
}

/**
 * The read model's baseline for `pnpm rebuild notifications`: the demo accounts of the sizes this
 * database was seeded with (kit_seed; none if it never was), before the events are replayed.
 */
export async function baseline(q: Queryable): Promise<void> {
  const { rows } = await q.query<{ sizes: SeedSizes }>('SELECT sizes FROM kit_seed LIMIT 1');
  if (rows[0]) await seed(q, demoPlan(rows[0].sizes));
}
