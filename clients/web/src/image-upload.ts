import type { ImageVariant } from './images';

/** Where a product image upload is: the form shows each step (a `<progress>` while the bytes go). */
export type UploadState =
  | { phase: 'idle' }
  /** A product created a moment ago: content has not heard of it yet (ProductCreated is on its way). */
  | { phase: 'waiting' }
  | { phase: 'uploading'; loaded: number; total: number }
  /** Confirmed: content checks the bytes and makes the variants. */
  | { phase: 'processing' }
  | { phase: 'ready'; image: ReadyImage }
  | { phase: 'error'; message: string };

export interface ReadyImage {
  id: string;
  alt: string | null;
  variants: ImageVariant[];
}

/** createProductImageUpload's answer: the presigned request to send the bytes with. */
export interface UploadGrant {
  mediaId: string;
  uploadUrl: string;
  uploadMethod: string;
  uploadHeaders: { name: string; value: string }[];
}

/** A GraphQL answer reduced to what the steps need: the data, or the first error's code and message. */
export type Answer<T> = { data: T; error?: undefined } | { data?: undefined; error: { code?: string | undefined; message: string } };

export interface UploadSteps {
  createUpload(vars: { productId: string; contentType: string; byteSize: number }): Promise<Answer<UploadGrant>>;
  /** Sends the bytes as the grant says; rejects with a readable message when storage refuses. */
  send(grant: UploadGrant, file: Blob, onProgress: (loaded: number, total: number) => void): Promise<void>;
  confirm(vars: { mediaId: string; alt: string | null }): Promise<Answer<ReadyImage & { status: string }>>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** How long to keep asking while content answers NOT_FOUND for the product (WEB_IMAGE_WAIT_MS). */
  productWaitMs: number;
  retryEveryMs: number;
}

/**
 * The content subgraph's upload, step by step: ask for a presigned URL (retrying NOT_FOUND while
 * a just-created product reaches content, up to `productWaitMs`), PUT the bytes straight to
 * storage, then confirm, which checks them and makes the variants. Reports every step to
 * `onState`; answers the ready image, or undefined after reporting the error.
 */
export async function uploadProductImage(
  steps: UploadSteps,
  input: { productId: string; file: Blob; alt: string | null },
  onState: (state: UploadState) => void,
): Promise<ReadyImage | undefined> {
  const fail = (message: string) => {
    onState({ phase: 'error', message });
    return undefined;
  };
  const { file } = input;
  const deadline = steps.now() + steps.productWaitMs;
  let grant: UploadGrant | undefined;
  for (;;) {
    const answer = await steps.createUpload({ productId: input.productId, contentType: file.type, byteSize: file.size });
    if (answer.data) {
      grant = answer.data;
      break;
    }
    if (answer.error.code !== 'NOT_FOUND' || steps.now() >= deadline) return fail(answer.error.message);
    onState({ phase: 'waiting' });
    await steps.sleep(steps.retryEveryMs);
  }
  onState({ phase: 'uploading', loaded: 0, total: file.size });
  try {
    await steps.send(grant, file, (loaded, total) => onState({ phase: 'uploading', loaded, total }));
  } catch (err) {
    return fail((err as Error).message);
  }
  onState({ phase: 'processing' });
  const confirmed = await steps.confirm({ mediaId: grant.mediaId, alt: input.alt });
  if (!confirmed.data) return fail(confirmed.error.message);
  if (confirmed.data.status !== 'READY') return fail(`the image is ${confirmed.data.status}, not ready`);
  const image = { id: confirmed.data.id, alt: confirmed.data.alt, variants: confirmed.data.variants };
  onState({ phase: 'ready', image });
  return image;
}

/** The browser's side of `send`: XMLHttpRequest, because fetch reports no upload progress. */
export function sendWithProgress(grant: UploadGrant, file: Blob, onProgress: (loaded: number, total: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(grant.uploadMethod, grant.uploadUrl);
    for (const h of grant.uploadHeaders) xhr.setRequestHeader(h.name, h.value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let detail = '';
      try {
        detail = (JSON.parse(xhr.responseText) as { error?: { message?: string } }).error?.message ?? '';
      } catch {
        // S3 answers XML; the status says enough.
      }
      reject(new Error(`storage refused the upload (HTTP ${xhr.status}${detail ? `: ${detail}` : ''})`));
    };
    xhr.onerror = () => reject(new Error('storage could not be reached; nothing was uploaded'));
    xhr.send(file);
  });
}
