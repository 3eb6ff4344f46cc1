import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ErrorCode, type Logger, type SubgraphDefinition } from '@cloudlab/kit';
import { demoFile } from './demo-images';
import { localUploadTarget } from './storage/local';
import { checkUploadGrant } from './storage/signature';
import { PUBLIC_KEY, UPLOAD_KEY, type MediaStorage } from './storage/storage';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

const refuse = (code: number, errorCode: string, message: string) => ({ code, body: { error: { code: errorCode, message } } });

class TooLarge extends Error {}
type App = Parameters<NonNullable<SubgraphDefinition['routes']>>[0];

/**
 * The HTTP side of content: `PUT /media/upload/<key>` (the local driver's presigned upload, checked
 * as S3 checks its own: signature, expiry and signed Content-Type → 403; more bytes than the
 * grant allows → 413) and `GET /media/files/<key>` (variants and demo images, immutable).
 */
export function mediaRoutes(app: App, deps: { storage: MediaStorage; mediaDir: string; signingKey: Buffer; demo: { seed: number; products: number }; log: Logger }) {
  if (deps.storage.kind === 'local') {
    void app.register(async (scope) => {
      // Raw bytes of any type reach the handler as a stream (the app-wide 1 MB JSON limit does not apply).
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      // Browsers upload from the storefront's origin: the signature, not the origin, is the guard.
      scope.addHook('onRequest', async (_req, reply) => void reply.header('access-control-allow-origin', '*'));
      scope.options('/media/upload/uploads/:id', async (_req, reply) =>
        reply.code(204).header('access-control-allow-methods', 'PUT').header('access-control-allow-headers', 'content-type').header('access-control-max-age', '600').send(),
      );
      scope.put('/media/upload/uploads/:id', async (req, reply) => {
        const key = `uploads/${(req.params as { id: string }).id}`;
        const fail = (r: ReturnType<typeof refuse>) => reply.code(r.code).send(r.body);
        if (!UPLOAD_KEY.test(key)) return fail(refuse(404, ErrorCode.NOT_FOUND, 'no such upload'));
        const grant = checkUploadGrant(key, req.query as Record<string, unknown>, deps.signingKey);
        if (!grant.ok) return fail(refuse(403, ErrorCode.FORBIDDEN, grant.reason));
        if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== grant.grant.contentType) {
          return fail(refuse(403, ErrorCode.FORBIDDEN, 'Content-Type is not the one signed'));
        }
        const declared = Number(req.headers['content-length'] ?? NaN);
        if (declared > grant.grant.maxBytes) return fail(refuse(413, ErrorCode.PAYLOAD_TOO_LARGE, `at most ${grant.grant.maxBytes} bytes`));
        const { target, temp } = localUploadTarget(deps.mediaDir, key);
        await mkdir(path.dirname(target), { recursive: true });
        let seen = 0;
        const hash = createHash('md5');
        const count = new Transform({
          transform(chunk: Buffer, _enc, next) {
            seen += chunk.length;
            if (seen > grant.grant.maxBytes) return next(new TooLarge());
            hash.update(chunk);
            next(null, chunk);
          },
        });
        try {
          await pipeline(req.body as NodeJS.ReadableStream, count, createWriteStream(temp));
          await rename(temp, target);
        } catch (err) {
          await rm(temp, { force: true });
          if (err instanceof TooLarge) return fail(refuse(413, ErrorCode.PAYLOAD_TOO_LARGE, `at most ${grant.grant.maxBytes} bytes`));
          throw err;
        }
        return reply.code(200).header('etag', `"${hash.digest('hex')}"`).send();
      });
    });
  }

  app.get('/media/files/*', async (req, reply) => {
    const key = (req.params as { '*': string })['*'];
    if (!PUBLIC_KEY.test(key)) return reply.code(404).send({ error: { code: ErrorCode.NOT_FOUND, message: 'no such file' } });
    // The key names the bytes (a hash, or the demo recipe): it is its own strong validator.
    const etag = `"${createHash('sha256').update(key).digest('hex').slice(0, 32)}"`;
    reply.header('cache-control', IMMUTABLE).header('etag', etag).header('x-content-type-options', 'nosniff').header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    let bytes: Buffer | null;
    try {
      bytes = key.startsWith('demo/') ? await demoFile(deps.mediaDir, key, deps.demo) : await deps.storage.read(key);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, key }, 'media file could not be read');
      return reply.code(503).header('cache-control', 'no-store').header('retry-after', '5').send({ error: { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'media storage is unreachable' } });
    }
    if (!bytes) return reply.code(404).header('cache-control', 'no-store').send({ error: { code: ErrorCode.NOT_FOUND, message: 'no such file' } });
    return reply.type(key.endsWith('.webp') ? 'image/webp' : 'image/jpeg').send(bytes);
  });
}
