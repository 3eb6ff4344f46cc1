import { createServer, type Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createLogger } from '@cloudlab/kit';
import type { GatewayConfig } from './config';
import { contextFactory, type GatewayContext } from './context';
import { SubgraphDataSource } from './datasource';
import { httpHandler } from './http';
import { jwtVerifier } from './plugins/auth';
import { readinessProbe } from './readiness';
import { fileSupergraph, subgraphUrl } from './supergraph';

/**
 * The gateway: @apollo/gateway over a supergraph file, inside @apollo/server, behind a small
 * node:http handler. Every edge feature is listed in `plugins` below.
 */
export async function startGateway(config: GatewayConfig): Promise<{ server: Server; stop: () => Promise<void> }> {
  const log = createLogger('gateway', config.LOG_LEVEL);
  const urls = new Map<string, string>();
  let loaded = false;

  const gateway = new ApolloGateway({
    supergraphSdl: fileSupergraph(config.SUPERGRAPH_PATH, log),
    buildService: ({ name, url }) => {
      const resolved = subgraphUrl(name, url);
      urls.set(name, resolved);
      return new SubgraphDataSource(name, resolved, config.SUBGRAPH_TIMEOUT_MS);
    },
    logger: log,
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    // Stack traces go to the logs, never to clients (even in development they drown the message).
    includeStacktraceInErrorResponses: false,
    plugins: [
      config.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
    logger: log,
  });
  await apollo.start();
  loaded = true;

  // Resolved lazily: the accounts URL is known once the supergraph has loaded.
  let verifier: ReturnType<typeof jwtVerifier> | undefined;
  const verify = (authorization: string | undefined) => {
    verifier ??= jwtVerifier({
      jwksUrl: config.JWT_JWKS_URL ?? (urls.has('accounts') ? new URL('/.well-known/jwks.json', urls.get('accounts')).toString() : undefined),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
    return verifier(authorization);
  };
  const context = contextFactory({ verifier: verify, secret: config.INTERNAL_SECRET });

  const server = createServer(
    httpHandler({
      apollo,
      context: (req) => context(req.headers),
      readiness: readinessProbe({ urls: () => urls, loaded: () => loaded, timeoutMs: config.READINESS_TIMEOUT_MS }),
      bodyLimit: config.BODY_LIMIT_BYTES,
      log,
    }),
  );
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  log.info({ port: config.PORT, supergraph: config.SUPERGRAPH_PATH, subgraphs: Object.fromEntries(urls) }, 'gateway ready');

  return {
    server,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await apollo.stop();
    },
  };
}
