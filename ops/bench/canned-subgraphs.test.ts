import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cannedSubgraphs, pointSupergraphAt, requestKey } from './canned-subgraphs';

describe('canned subgraphs for pnpm bench gateway --pin', () => {
  it('one key for the same request whatever its key order, extensions or empty variables', () => {
    const a = requestKey('reviews', '{"query":"query($r:[_Any!]!){_entities(representations:$r){__typename}}","variables":{"r":[{"__typename":"Product","id":"1"}]}}');
    const b = requestKey('reviews', '{"variables":{"r":[{"id":"1","__typename":"Product"}]},"extensions":{"x":1},"query":"query($r:[_Any!]!){_entities(representations:$r){__typename}}"}');
    expect(a).toBe(b);
    expect(requestKey('catalog', '{"query":"{ a }"}')).toBe(requestKey('catalog', '{"query":"{ a }","variables":{}}'));
  });

  it('different keys for another subgraph, another order of representations, other variables', () => {
    const body = (ids: string[]) => JSON.stringify({ query: 'q', variables: { r: ids.map((id) => ({ __typename: 'P', id })) } });
    expect(requestKey('reviews', body(['1', '2']))).not.toBe(requestKey('reviews', body(['2', '1'])));
    expect(requestKey('reviews', body(['1']))).not.toBe(requestKey('catalog', body(['1'])));
    expect(requestKey('reviews', '{"query":"q","operationName":"A"}')).not.toBe(requestKey('reviews', '{"query":"q","operationName":"B"}'));
  });

  it('points every @join__graph of a supergraph at the canned server and leaves the rest alone', () => {
    const sdl = [
      'directive @join__graph(name: String!, url: String!) on ENUM_VALUE',
      '  ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:4001/graphql")',
      '  REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:4004/graphql")',
    ].join('\n');
    const out = pointSupergraphAt(sdl, (name) => `http://127.0.0.1:9/${name}/graphql`);
    expect(out).toContain('ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:9/accounts/graphql")');
    expect(out).toContain('REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:9/reviews/graphql")');
    expect(out.split('\n')[0]).toBe(sdl.split('\n')[0]);
  });

  describe('against a real subgraph', () => {
    let upstream: Server | undefined;
    let seen: string[] = [];
    afterEach(() => {
      upstream?.close();
      seen = [];
    });

    it('records what the real subgraph answers once, then answers from the recording alone; an unknown request is refused and counted', async () => {
      upstream = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push(`${req.url} ${body}`);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=30' }).end(JSON.stringify({ data: { echo: JSON.parse(body).query } }));
        });
      });
      await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
      const port = (upstream.address() as { port: number }).port;
      const canned = await cannedSubgraphs({ upstream: { catalog: `http://127.0.0.1:${port}/graphql` } });
      try {
        const ask = (query: string) => fetch(canned.url('catalog'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

        const first = await ask('{ a }');
        expect(await first.json()).toEqual({ data: { echo: '{ a }' } });
        expect(first.headers.get('cache-control')).toBe('max-age=30');
        canned.replay();
        const again = await ask('{ a }');
        expect(await again.json()).toEqual({ data: { echo: '{ a }' } });
        expect(again.headers.get('cache-control')).toBe('max-age=30');
        expect(seen).toHaveLength(1);

        const unknown = await ask('{ b }');
        expect(unknown.status).toBe(502);
        expect(seen).toHaveLength(1);
        expect(canned.counts).toEqual({ requests: 3, misses: 1 });
        expect(Object.keys(canned.recording)).toEqual([requestKey('catalog', '{"query":"{ a }"}')]);
      } finally {
        await canned.close();
      }
    });
  });
});
