import { inject } from 'vitest';
import { Db, databaseUrl } from '@cloudlab/kit';

const pools = new Map<string, Db>();

/** A connection to one subgraph's own database in the stack under test (for checks a client cannot make). */
export function subgraphDb(name: string): Db {
  let db = pools.get(name);
  if (!db) pools.set(name, (db = new Db(databaseUrl(inject('databaseUrl'), `${inject('dbPrefix')}${name}`), 2)));
  return db;
}

export async function closeDbs() {
  await Promise.all([...pools.values()].map((db) => db.close()));
  pools.clear();
}
