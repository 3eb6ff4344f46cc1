import { createServer } from 'node:http';

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

/**
 * A minimal OTLP/HTTP (JSON) trace receiver: the stack under test exports its spans here, and
 * tests read them back with GET /spans?traceId=… to check that one trace spans every hop.
 */
export async function startCollector(): Promise<{ url: string; close: () => Promise<void> }> {
  const spans: CollectedSpan[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://collector');
    if (req.method === 'POST' && url.pathname === '/v1/traces') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          collect(JSON.parse(Buffer.concat(chunks).toString('utf8')), spans);
        } catch {
          /* not JSON (protobuf): ignored, the exporter is configured for JSON */
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      return;
    }
    if (url.pathname === '/spans') {
      const traceId = url.searchParams.get('traceId');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(spans.filter((s) => !traceId || s.traceId === traceId)));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function collect(body: any, into: CollectedSpan[]) {
  for (const rs of body.resourceSpans ?? []) {
    const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue ?? '?';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const attributes: Record<string, unknown> = {};
        for (const a of s.attributes ?? []) attributes[a.key] = Object.values(a.value ?? {})[0];
        into.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, service, attributes });
      }
    }
  }
}
