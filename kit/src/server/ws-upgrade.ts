import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';

/**
 * Hands WebSocket upgrades of `/graphql` on an HTTP server to `wss` (graphql-ws lives on the same
 * port and path as HTTP GraphQL); other paths get 404. Returns the function that detaches it.
 * Used by the subgraphs and the gateway alike.
 */
export function routeGraphqlUpgrades(server: Server, wss: WebSocketServer): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);
  return () => server.off('upgrade', onUpgrade);
}
