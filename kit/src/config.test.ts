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
});
