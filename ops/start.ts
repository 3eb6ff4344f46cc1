import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError } from '@cloudlab/kit/config';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { startConfig } from './config';
import { ROOT, probe, startStack } from './stack';
import { ensureWebBuild, startWeb } from './web';
import { metricsUrl } from '@cloudlab/kit/metrics-server';
import { serveControl } from './scale/control';

/**
 * `pnpm start`: the whole supergraph, one process per service, supervised: a service that dies is
 * restarted with backoff (ops/supervise.ts); only Ctrl-C or SIGTERM stops everything.
 */
async function main() {
  const started = Date.now();
  let config;
  try {
    config = startConfig();
  } catch (err) {
    console.error(`start: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  const pair = config.readReplica ? startPair() : undefined;
  const databaseUrl = pair?.DATABASE_URL ?? config.DATABASE_URL;
  console.log(
    pair ? `Using the primary + read replica pair (${pair.DATABASE_URL}, ${pair.DATABASE_READ_URL})` : config.DATABASE_URL ? 'Using PostgreSQL at DATABASE_URL' : `Starting embedded PostgreSQL in ${config.DATA_DIR}/postgres`,
  );
  // The web app builds (only when its sources changed) while the services start.
  const webBuild = ensureWebBuild();
  webBuild.catch(() => {}); // reported by startWeb below
  // Signals are handled from the start: Ctrl-C while starting still stops what already runs.
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    if (!stack) return; // still starting: main() stops the stack as soon as it is up
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  stack = await startStack({
    databaseUrl,
    dataDir: config.DATA_DIR,
    embeddedPgPort: config.EMBEDDED_PG_PORT,
    dbPrefix: config.DB_PREFIX,
    gatewayPort: config.PORT,
    subgraphPorts: config.subgraphPorts,
    restart: config.restart,
    replicas: config.REPLICAS,
    instancePortBase: config.INSTANCE_PORT_BASE,
    startTimeoutMs: config.START_TIMEOUT_MS,
    // One instance per service: each subgraph serves at once and loads its demo data (an empty
    // database) behind, so the stack is up without waiting for ~10 s of inserts and indexing.
    // Replicas load it first: two instances of one subgraph must not both seed.
    env: config.REPLICAS === 1 && process.env.SEED_IN_BACKGROUND === undefined ? { SEED_IN_BACKGROUND: 'true' } : {},
  });
  if (stopping) return void (await stack.stop(), process.exit(0));

  // `pnpm rollout` talks to this process through DATA_DIR/control.sock (ops/scale/control.ts).
  const control = stack.balancer ? await serveControl(config.controlSocket, stack) : undefined;
  const stopStack = stack.stop;
  stack.stop = async () => {
    await control?.close();
    await stopStack();
  };
  const pid = (name: string) => `pid ${stack.instances.filter((i) => i.service === name).map((i) => stack.processes.get(i.name)?.pid).join(',')}`;
  const rows = [
    ['gateway', stack.gatewayUrl, pid('gateway'), `GraphQL (HTTP), Sandbox in the browser; /healthz /readyz; Prometheus at ${metricsUrl(stack.gatewayUrl)}`],
    ...SUBGRAPHS.map(({ name }) => [name, stack.subgraphUrls[name]!, pid(name), `database ${config.DB_PREFIX}${name}`]),
    ['postgres', pair ? new URL(pair.DATABASE_URL).host : config.DATABASE_URL ? 'DATABASE_URL' : `embedded on 127.0.0.1:${config.EMBEDDED_PG_PORT}`, '', pair ? 'primary' : ''],
    ...(pair ? [['replica', new URL(pair.DATABASE_READ_URL).host, '', 'streaming replica: catalog listings, search, analytics reports read here (DATABASE_READ_URL)']] : []),
  ];
  // Without SMTP_URL, notifications keeps the e-mail it sends in its development mailbox.
  if (!process.env.SMTP_URL && stack.subgraphUrls.notifications) {
    rows.push(['mailbox', new URL('/dev/mailbox', stack.subgraphUrls.notifications).toString(), '', 'e-mail sent by notifications (SMTP_URL unset), in the browser']);
  }
  // The storefront and dashboard (clients/web), built once per change of its sources (ops/web.ts).
  const web = await startWeb(stack.gatewayUrl, webBuild);
  rows.push(['web', 'url' in web ? web.url : 'not served', '', 'url' in web ? 'storefront and vendor dashboard (clients/web)' : `web app failed: ${web.error}`]);
  console.log(`\nCloud Lab is up in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const [name, url, id, note] of rows) console.log(`  ${name!.padEnd(10)} ${url!.padEnd(36)} ${id!.padEnd(11)} ${note}`);
  console.log('\nDemo logins (password cloudlab-demo): customer@cloudlab.dev, vendor@cloudlab.dev, admin@cloudlab.dev');
  if (stack.balancer) console.log(`${config.REPLICAS} instances of each service behind HAProxy (ports ${config.INSTANCE_PORT_BASE}+); \`pnpm rollout\` restarts them one at a time.`);
  // Said before the last line, which `pnpm bench startup` (and anyone reading) takes as the end of the start.
  const loading = await demoDataLoading(stack.subgraphUrls);
  if (loading.length) console.log(`Demo data loading in the background (${loading.join(', ')}): pages fill in as each commits.`);
  console.log('A service that dies is restarted; Ctrl-C stops everything.\n');
  if (loading.length) {
    while (!stopping && (await demoDataLoading(stack.subgraphUrls)).length) await new Promise((r) => setTimeout(r, 200));
    if (!stopping) console.log(`Demo data loaded ${((Date.now() - started) / 1000).toFixed(1)} s after start.`);
  }
}

/** The subgraphs whose /readyz says their demo data is still loading (SEED_IN_BACKGROUND). */
async function demoDataLoading(subgraphUrls: Record<string, string>): Promise<string[]> {
  const states = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      // Restarting or away (no answer): the supervisor reports that.
      const answer = await probe(new URL('/readyz', url).toString(), 2_000);
      try {
        return answer && (JSON.parse(answer.body) as { demoData?: string }).demoData === 'loading' ? name : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return states.filter((n): n is string => !!n);
}

/**
 * `--read-replica`: starts (or finds running) the project's primary + streaming replica and hands
 * the replica to every subgraph as DATABASE_READ_URL. The pair keeps running after Ctrl-C
 * (`bash ops/postgres-replica/pg-pair.sh stop` stops it).
 */
function startPair(): { DATABASE_URL: string; DATABASE_READ_URL: string } {
  const script = path.join(ROOT, 'ops', 'postgres-replica', 'pg-pair.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  const lines = execFileSync('bash', [script, 'env'], { encoding: 'utf8' }).trim().split('\n');
  const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  process.env.DATABASE_READ_URL = env.DATABASE_READ_URL; // the children inherit this process's environment
  return { DATABASE_URL: env.DATABASE_URL!, DATABASE_READ_URL: env.DATABASE_READ_URL! };
}

main().catch((err) => {
  console.error(`start failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
