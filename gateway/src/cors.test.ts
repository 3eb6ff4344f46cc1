import { describe, expect, it } from 'vitest';
import { originAllowed } from './cors';

describe('which browser origins may call the API', () => {
  it('in development: any origin on this machine, nothing else', () => {
    expect(originAllowed('http://localhost:3000', 'localhost')).toBe(true);
    expect(originAllowed('https://127.0.0.1', 'localhost')).toBe(true);
    expect(originAllowed('http://[::1]:5173', 'localhost')).toBe(true);
    expect(originAllowed('http://localhost.evil.example', 'localhost')).toBe(false);
    expect(originAllowed('https://shop.example', 'localhost')).toBe(false);
  });

  it('configured: exactly the listed origins, or any with *', () => {
    expect(originAllowed('https://shop.example', ['https://shop.example'])).toBe(true);
    expect(originAllowed('https://shop.example:8443', ['https://shop.example'])).toBe(false);
    expect(originAllowed('http://localhost:3000', [])).toBe(false);
    expect(originAllowed('https://anything.example', '*')).toBe(true);
  });
});
