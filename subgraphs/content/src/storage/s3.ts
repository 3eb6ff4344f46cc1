import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageUnavailableError, type MediaStorage } from './storage';

export interface S3Options {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  forcePathStyle: boolean;
  timeoutMs: number;
}

const notFound = (err: unknown) =>
  err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404);

/**
 * Media in an S3-compatible bucket. The client PUTs straight to the bucket with a presigned URL
 * whose signature covers Content-Type; S3 (and S3Proxy) refuse a tampered or expired one with 403.
 * Size and type limits are not left to the store (S3Proxy enforces no POST policy): confirm checks.
 */
export function s3Storage(o: S3Options): MediaStorage {
  const client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    // Without this the SDK signs an empty-body checksum into presigned PUT URLs, which the upload then fails.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    requestHandler: { connectionTimeout: o.timeoutMs, requestTimeout: o.timeoutMs },
  });
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (notFound(err)) throw err;
      throw new StorageUnavailableError(err);
    }
  };
  return {
    kind: 's3',
    async presignPut(key, contentType, _maxBytes, expiresAt) {
      const expiresIn = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
      const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: o.bucket, Key: key, ContentType: contentType }), {
        expiresIn,
        signableHeaders: new Set(['content-type']),
      });
      return { url, method: 'PUT', headers: [{ name: 'Content-Type', value: contentType }] };
    },
    async size(key) {
      try {
        const head = await call(() => client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: key })));
        return head.ContentLength ?? 0;
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    async read(key) {
      try {
        const got = await call(() => client.send(new GetObjectCommand({ Bucket: o.bucket, Key: key })));
        return Buffer.from(await got.Body!.transformToByteArray());
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    async write(key, body, contentType) {
      await call(() => client.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'public, max-age=31536000, immutable' })));
    },
    async remove(keys) {
      // One DELETE per key: S3Proxy does not implement the checksum header the SDK sends with DeleteObjects.
      await Promise.all(keys.map((Key) => call(() => client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key })))));
    },
    async check() {
      await call(() => client.send(new HeadBucketCommand({ Bucket: o.bucket })));
    },
    close: () => client.destroy(),
  };
}
