import { describe, expect, it } from 'vitest';
import { uploadProductImage, type UploadState, type UploadSteps } from './image-upload';

const grant = { mediaId: 'm1', uploadUrl: 'http://content/media/upload/uploads/m1?sig=x', uploadMethod: 'PUT', uploadHeaders: [{ name: 'Content-Type', value: 'image/png' }] };
const variants = [{ name: 'card', url: 'http://content/media/files/variants/h/card.webp', width: 600, height: 400, contentType: 'image/webp' }];
const file = new Blob([new Uint8Array(1000)], { type: 'image/png' });

/** Steps over a clock that moves only when the runner sleeps; records what was asked. */
function steps(over: Partial<UploadSteps> = {}) {
  let clock = 0;
  const calls: string[] = [];
  const s: UploadSteps = {
    createUpload: async (vars) => (calls.push(`create ${vars.contentType} ${vars.byteSize}`), { data: grant }),
    send: async (_g, f, onProgress) => {
      calls.push('send');
      onProgress(f.size / 2, f.size);
      onProgress(f.size, f.size);
    },
    confirm: async (vars) => (calls.push(`confirm ${vars.alt}`), { data: { id: vars.mediaId, status: 'READY', alt: vars.alt, variants } }),
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
    productWaitMs: 5000,
    retryEveryMs: 1000,
    ...over,
  };
  return { s, calls };
}

describe('uploadProductImage', () => {
  it('asks, sends with progress, confirms, and answers the ready image', async () => {
    const { s, calls } = steps();
    const states: UploadState[] = [];
    const image = await uploadProductImage(s, { productId: 'p1', file, alt: 'A lamp' }, (st) => states.push(st));
    expect(image).toEqual({ id: 'm1', alt: 'A lamp', variants });
    expect(calls).toEqual(['create image/png 1000', 'send', 'confirm A lamp']);
    expect(states.map((st) => (st.phase === 'uploading' ? `uploading ${st.loaded}/${st.total}` : st.phase))).toEqual([
      'uploading 0/1000',
      'uploading 500/1000',
      'uploading 1000/1000',
      'processing',
      'ready',
    ]);
  });

  it('waits while content has not heard of a new product, then goes on', async () => {
    let asked = 0;
    const { s } = steps({ createUpload: async () => (++asked < 3 ? { error: { code: 'NOT_FOUND', message: 'product not found' } } : { data: grant }) });
    const states: string[] = [];
    expect(await uploadProductImage(s, { productId: 'p1', file, alt: null }, (st) => states.push(st.phase))).toBeDefined();
    expect(asked).toBe(3);
    expect(states.slice(0, 2)).toEqual(['waiting', 'waiting']);
  });

  it('gives up waiting after productWaitMs, and never retries other errors', async () => {
    let asked = 0;
    const notFound = steps({ createUpload: async () => (asked++, { error: { code: 'NOT_FOUND', message: 'product not found' } }) });
    const last: UploadState[] = [];
    expect(await uploadProductImage(notFound.s, { productId: 'p1', file, alt: null }, (st) => last.push(st))).toBeUndefined();
    expect(asked).toBe(6); // at 0, 1000, …, 5000 ms
    expect(last.at(-1)).toEqual({ phase: 'error', message: 'product not found' });

    asked = 0;
    const forbidden = steps({ createUpload: async () => (asked++, { error: { code: 'FORBIDDEN', message: 'not your product' } }) });
    const states: UploadState[] = [];
    await uploadProductImage(forbidden.s, { productId: 'p1', file, alt: null }, (st) => states.push(st));
    expect(asked).toBe(1);
    expect(states).toEqual([{ phase: 'error', message: 'not your product' }]);
  });

  it('reports a refused upload and a refused confirmation, and does not confirm what was not sent', async () => {
    const refused = steps({ send: async () => Promise.reject(new Error('storage refused the upload (HTTP 403)')) });
    const states: UploadState[] = [];
    expect(await uploadProductImage(refused.s, { productId: 'p1', file, alt: null }, (st) => states.push(st))).toBeUndefined();
    expect(refused.calls.some((c) => c.startsWith('confirm'))).toBe(false);
    expect(states.at(-1)).toEqual({ phase: 'error', message: 'storage refused the upload (HTTP 403)' });

    const bad = steps({ confirm: async () => ({ error: { code: 'BAD_USER_INPUT', message: 'the bytes are not a image/png' } }) });
    const last: UploadState[] = [];
    await uploadProductImage(bad.s, { productId: 'p1', file, alt: null }, (st) => last.push(st));
    expect(last.at(-1)).toEqual({ phase: 'error', message: 'the bytes are not a image/png' });
  });
});
