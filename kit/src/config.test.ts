import { describe, expect, it } from 'vitest';
import { ConfigError, env, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults and coerces types', () => {
    expect(loadConfig({ PORT: env.port(4000), DEBUG: env.bool(false) }, {})).toEqual({ PORT: 4000, DEBUG: false });
    expect(loadConfig({ PORT: env.port(4000) }, { PORT: '5001' })).toEqual({ PORT: 5001 });
  });

  it('names the variable and the value that is wrong', () => {
    expect(() => loadConfig({ PORT: env.port(4000) }, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: env.port(4000) }, { PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ DATABASE_URL: env.url() }, {})).toThrow(/DATABASE_URL=\(unset\)/);
  });

  it('takes a money amount with at most two decimals, above 0 and within its maximum', () => {
    const shape = { MAX: env.decimal('1000000.00', 9_999_999_999.99) };
    expect(loadConfig(shape, {})).toEqual({ MAX: '1000000.00' });
    expect(loadConfig(shape, { MAX: '50' })).toEqual({ MAX: '50' });
    for (const bad of ['-1', '1.234', 'abc', '0', '10000000000']) expect(() => loadConfig(shape, { MAX: bad })).toThrow(/MAX=/);
  });
});
