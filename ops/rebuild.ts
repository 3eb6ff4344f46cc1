import path from 'node:path';
import { z } from 'zod';
import { Db, createLogger, databaseUrl, loadConfig, type SubgraphDefinition } from '@cloudlab/kit';
import { createEventBus } from '@cloudlab/kit/events';
import { rebuildReadModel, type RebuildResult } from '@cloudlab/kit/read-model';
import { startConfig } from './config';
import { ROOT } from './stack';

export interface RebuildTarget {
  /** The Postgres server of the running stack (DATABASE_URL, or `pnpm start`'s embedded one). */
  serverUrl: string;
  dbPrefix: string;
  kafkaBrokers: string;
  kafkaNamespace: string;
}

/**
 * `pnpm rebuild <subgraph>`: rebuilds the subgraph's read model from the event log beside the
 * running stack (same DATABASE_URL/DB_PREFIX/KAFKA_* settings) and returns when the rebuilt
 * generation serves and has caught up. kit/src/read-model/README.md tells how.
 */
export async function rebuild(name: string, target: RebuildTarget): Promise<RebuildResult> {
  const { definition: def } = (await import(path.join(ROOT, 'subgraphs', name, 'src', 'server.ts'))) as { definition: SubgraphDefinition<unknown> };
  if (!def.readModel || !def.consumes) throw new Error(`${name} declares no read model (SubgraphDefinition.readModel)`);
  const log = createLogger('rebuild');
  const db = new Db(databaseUrl(target.serverUrl, `${target.dbPrefix}${name}`), 4, 'events', log);
  const bus = await createEventBus({
    kafkaBrokers: target.kafkaBrokers.split(','),
    databaseUrl: target.serverUrl,
    dbPrefix: target.dbPrefix,
    clientId: `${name}-rebuild`,
    namespace: target.kafkaNamespace,
    log,
  });
  try {
    return await rebuildReadModel({ db, bus, name, readModel: def.readModel, consumes: def.consumes, log });
  } finally {
    await bus.close();
    await db.close();
  }
}

if (require.main === module) {
  const name = process.argv[2];
  const config = startConfig();
  const kafka = loadConfig({ KAFKA_BROKERS: z.string().default(''), KAFKA_NAMESPACE: z.string().default('') });
  const serverUrl = config.DATABASE_URL ?? `postgres://postgres:cloudlab@127.0.0.1:${config.EMBEDDED_PG_PORT}/postgres`;
  if (!name) {
    console.error('usage: pnpm rebuild <subgraph>');
    process.exit(2);
  }
  rebuild(name, { serverUrl, dbPrefix: config.DB_PREFIX, kafkaBrokers: kafka.KAFKA_BROKERS, kafkaNamespace: kafka.KAFKA_NAMESPACE })
    .then((r) => {
      console.log(`${name}: generation ${r.from} → ${r.to} (${r.schema}) rebuilt and caught up in ${r.ms} ms`);
      console.log(JSON.stringify({ subgraph: name, ...r }));
      process.exit(0);
    })
    .catch((err) => {
      console.error(`rebuild failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
