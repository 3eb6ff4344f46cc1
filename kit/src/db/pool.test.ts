import { describe, expect, it } from 'vitest';
import { PREPARED_MAX, preparedName } from './pool';

describe('prepared statement names', () => {
  it('are the same for the same SQL, different for different SQL, and stop at PREPARED_MAX texts', () => {
    const first = preparedName('SELECT 1 WHERE $1::int = 1');
    expect(first).toMatch(/^s[0-9a-f]{16}$/);
    expect(preparedName('SELECT 1 WHERE $1::int = 1')).toBe(first);
    expect(preparedName('SELECT 2 WHERE $1::int = 1')).not.toBe(first);
    for (let i = 0; i < PREPARED_MAX; i++) preparedName(`SELECT ${i} + $1::int`);
    expect(preparedName('SELECT a text never seen before WHERE $1::int = 1')).toBeUndefined(); // runs unnamed
    expect(preparedName('SELECT 1 WHERE $1::int = 1')).toBe(first); // the ones prepared stay prepared
  });
});
