import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pngBomb } from '../../../test/support/png-bomb';
import { inspectUpload, sniffType } from './image-check';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#3a7' } }).png().toBuffer();
const limits = { maxBytes: 10_000_000, declaredBytes: 10_000_000, maxPixels: 1_000_000 };

describe('what confirm learns from the bytes', () => {
  it('knows JPEG, PNG, WebP and AVIF by their first bytes, and nothing else', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } });
    expect(sniffType(await img.clone().jpeg().toBuffer())).toBe('image/jpeg');
    expect(sniffType(await img.clone().png().toBuffer())).toBe('image/png');
    expect(sniffType(await img.clone().webp().toBuffer())).toBe('image/webp');
    expect(sniffType(await img.clone().avif().toBuffer())).toBe('image/avif');
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffType(Buffer.from('just some text'))).toBeNull();
  });

  it('accepts a PNG that is what it says, with its dimensions', async () => {
    const bytes = await png(300, 200);
    expect(await inspectUpload(bytes, 'image/png', limits)).toEqual({ ok: true, contentType: 'image/png', width: 300, height: 200, byteSize: bytes.length });
  });

  it('refuses text declared as image/png, a JPEG declared as PNG, more bytes than declared, and an empty upload', async () => {
    expect(await inspectUpload(Buffer.from('hello, I am a PNG'), 'image/png', limits)).toMatchObject({ ok: false, reason: expect.stringMatching(/not an image/) });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer();
    expect(await inspectUpload(jpeg, 'image/png', limits)).toEqual({ ok: false, reason: 'declared image/png, but the bytes are image/jpeg' });
    expect(await inspectUpload(await png(10, 10), 'image/png', { ...limits, declaredBytes: 5 })).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than the 5 bytes declared/) });
    expect(await inspectUpload(Buffer.alloc(0), 'image/png', limits)).toEqual({ ok: false, reason: 'the upload is empty' });
  });

  it('refuses a decompression bomb from its header, before decoding it', async () => {
    const bomb = pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200_000);
    expect(await inspectUpload(bomb, 'image/png', { ...limits, maxPixels: 40_000_000 })).toEqual({ ok: false, reason: 'the image is 20000×20000 pixels; at most 40000000 pixels are accepted' });
  });

  it('reports the displayed size of a photo taken sideways (EXIF orientation 6)', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 100, channels: 3, background: '#123' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await inspectUpload(jpeg, 'image/jpeg', limits)).toMatchObject({ ok: true, width: 100, height: 400 });
  });
});
