import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { gatewayAuthHeaders } from '@cloudlab/kit';

/**
 * The baseline of `pnpm bench gateway`: stock @apollo/gateway in @apollo/server's standalone
 * server, default options, over the same supergraph file. Only the subgraph URLs are pointed at
 * the benchmark's subgraphs (SUBGRAPH_<NAME>_URL), exactly as the Cloud Lab gateway does, and
 * each request carries the gateway credential the subgraphs require (anonymous: no identity).
 */
class CredentialedDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]) {
    for (const [name, value] of Object.entries(gatewayAuthHeaders(process.env.INTERNAL_SECRET))) request.http?.headers.set(name, value);
  }
}

async function main() {
  const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH ?? `${__dirname}/../../schema/supergraph.graphql`, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new CredentialedDataSource({ url: process.env[`SUBGRAPH_${name.toUpperCase()}_URL`] ?? url }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 4100), host: '127.0.0.1' } });
  console.log(`stock gateway at ${url}`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

void main();
