import path from 'node:path';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Content's settings (README configuration table). */
const c = loadConfigOrExit({
  PORT: env.port(0),
  HOST: z.string().default('127.0.0.1'),
  INTERNAL_SECRET: env.secret(),
  // `pnpm start`'s data folder; the local driver keeps media under DATA_DIR/media (MEDIA_DIR).
  DATA_DIR: z.string().default(path.join(__dirname, '..', '..', '..', '.data')),
  MEDIA_DIR: z.string().optional(),
  // Origin that clients reach this subgraph's /media routes on (uploads with the local driver,
  // variant files); default http://HOST:PORT. Behind a CDN: the CDN's origin.
  MEDIA_PUBLIC_URL: env.optionalUrl(),
  // Largest upload accepted, in bytes (declared and actual).
  MEDIA_MAX_BYTES: env.int(10 * 1024 * 1024, 1),
  // Largest image in pixels (width × height): more is refused before it is decoded (decompression bombs).
  MEDIA_MAX_PIXELS: env.int(40_000_000, 1),
  // How long a presigned upload URL is valid; an upload not confirmed within
  // MEDIA_UPLOAD_TTL_SECONDS + MEDIA_CONFIRM_GRACE_SECONDS is deleted with its bytes.
  MEDIA_UPLOAD_TTL_SECONDS: env.int(600, 5),
  MEDIA_CONFIRM_GRACE_SECONDS: env.int(900, 0),
  MEDIA_CLEANUP_EVERY_MS: env.int(60_000, 100),
  // Most images per product.
  MEDIA_MAX_PER_PRODUCT: env.int(20, 1),
  // Any S3-compatible store: all of S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and
  // S3_SECRET_ACCESS_KEY set → the S3 driver; none → the local disk.
  S3_ENDPOINT: env.optionalUrl(),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  // Path-style URLs (http://endpoint/bucket/key): S3Proxy, MinIO; false for virtual-hosted AWS buckets.
  S3_FORCE_PATH_STYLE: env.bool(true),
  // Milliseconds before a storage call counts as failed (storage unreachable → SERVICE_UNAVAILABLE).
  S3_TIMEOUT_MS: env.int(5_000, 100),
});

const s3Vars = [c.S3_ENDPOINT, c.S3_BUCKET, c.S3_ACCESS_KEY_ID, c.S3_SECRET_ACCESS_KEY];
if (s3Vars.some(Boolean) && !s3Vars.every(Boolean)) {
  process.stderr.write('content: S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all\n');
  process.exit(1);
}

export const config = {
  ...c,
  mediaDir: c.MEDIA_DIR ?? path.join(c.DATA_DIR, 'media'),
  publicUrl: (c.MEDIA_PUBLIC_URL ?? `http://${c.HOST === '0.0.0.0' ? '127.0.0.1' : c.HOST}:${c.PORT}`).replace(/\/$/, ''),
  // The local driver's upload URLs are signed with a key of their own, derived from the secret
  // the processes share (so every content instance checks what any other signed).
  signingKey: createHmac('sha256', c.INTERNAL_SECRET).update('cloudlab-media-upload-url').digest(),
  s3: c.S3_ENDPOINT
    ? { endpoint: c.S3_ENDPOINT, bucket: c.S3_BUCKET!, accessKeyId: c.S3_ACCESS_KEY_ID!, secretAccessKey: c.S3_SECRET_ACCESS_KEY!, region: c.S3_REGION, forcePathStyle: c.S3_FORCE_PATH_STYLE, timeoutMs: c.S3_TIMEOUT_MS }
    : null,
};
export type ContentConfig = typeof config;
