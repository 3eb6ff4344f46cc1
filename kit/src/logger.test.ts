import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logFormat } from './logger';

describe('logFormat', () => {
  it('JSON in production and whenever the output is not a terminal; pretty for a developer at a terminal; LOG_FORMAT wins', () => {
    expect(logFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(logFormat({ NODE_ENV: 'development' }, false)).toBe('json');
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, true)).toBe('json');
  });

  afterEach(() => vi.unstubAllEnvs());

  it('writes what each format promises', () => {
    const write = (format: string) => {
      vi.stubEnv('LOG_FORMAT', format);
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      createLogger('catalog', 'info', out).info({ orderId: 'o-1' }, 'order placed');
      return Buffer.concat(chunks).toString('utf8').trim();
    };
    expect(JSON.parse(write('json'))).toMatchObject({ level: 30, service: 'catalog', orderId: 'o-1', msg: 'order placed' });
    const line = write('pretty');
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(catalog\): order placed/);
    expect(line).toContain('orderId: "o-1"');
  });
});
