import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from './json-depth';

describe('jsonTooDeep', () => {
  it('counts object and array nesting', () => {
    expect(jsonTooDeep('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonTooDeep('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonTooDeep(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 64)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ q: '{ a { b { c { d } } } } [[[[', e: 'say \\"[[[[' }), 2)).toBe(false);
  });
});
