import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { signedUploadQuery } from './signature';
import { StorageUnavailableError, type MediaStorage } from './storage';

/**
 * Media on the local disk under `dir/objects/`. Uploads go to this subgraph's own
 * `PUT /media/upload/<key>` (routes.ts), which checks the HMAC signature and expiry as S3 would.
 */
export function localStorage(opts: { dir: string; publicUrl: string; signingKey: Buffer }): MediaStorage {
  const root = path.join(opts.dir, 'objects');
  const file = (key: string) => path.join(root, key);
  const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';
  return {
    kind: 'local',
    async presignPut(key, contentType, maxBytes, expiresAt) {
      const query = signedUploadQuery({ key, contentType, maxBytes, expires: Math.floor(expiresAt.getTime() / 1000) }, opts.signingKey);
      return { url: `${opts.publicUrl}/media/upload/${key}?${query}`, method: 'PUT', headers: [{ name: 'Content-Type', value: contentType }] };
    },
    async size(key) {
      try {
        return (await stat(file(key))).size;
      } catch (err) {
        if (missing(err)) return null;
        throw new StorageUnavailableError(err);
      }
    },
    async read(key) {
      try {
        return await readFile(file(key));
      } catch (err) {
        if (missing(err)) return null;
        throw new StorageUnavailableError(err);
      }
    },
    async write(key, body) {
      // Whole files only: a reader never sees half an object.
      const target = file(key);
      const temp = `${target}.${randomUUID()}.part`;
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(temp, body);
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw new StorageUnavailableError(err);
      }
    },
    async remove(keys) {
      await Promise.all(keys.map((k) => rm(file(k), { force: true })));
    },
    async check() {
      try {
        await mkdir(root, { recursive: true });
      } catch (err) {
        throw new StorageUnavailableError(err);
      }
    },
  };
}

/** Where the upload route streams a local PUT before it becomes the object (same disk: rename). */
export function localUploadTarget(dir: string, key: string) {
  const target = path.join(dir, 'objects', key);
  return { target, temp: `${target}.${randomUUID()}.part` };
}
