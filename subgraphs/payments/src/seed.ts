import type { DemoPlan, Queryable } from '@cloudlab/kit';

/** Payments start empty: every payment comes from an order's saga. */
export async function seed(_q: Queryable, _plan: DemoPlan): Promise<void> {}
