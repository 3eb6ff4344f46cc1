import type { ContentConfig } from '../config';
import { localStorage } from './local';
import { s3Storage } from './s3';
import type { MediaStorage } from './storage';

export * from './storage';

/** S3 when S3_ENDPOINT (and bucket, credentials) are set; else the local disk under MEDIA_DIR. */
export function openStorage(c: Pick<ContentConfig, 's3' | 'mediaDir' | 'publicUrl' | 'signingKey'>): MediaStorage {
  return c.s3 ? s3Storage(c.s3) : localStorage({ dir: c.mediaDir, publicUrl: c.publicUrl, signingKey: c.signingKey });
}
