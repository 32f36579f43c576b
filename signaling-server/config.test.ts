import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, readEnvConfig } from './config';

describe('readEnvConfig', () => {
  it('uses the defaults when nothing is set', () => {
    expect(readEnvConfig({}, '/srv/shoal')).toEqual({
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
      dataDir: '/srv/shoal/data',
      corsOrigins: [],
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', DATA_DIR: '/var/lib/shoal', CORS_ORIGIN: 'http://localhost:5173, http://x:1', TZ: '' };
    expect(readEnvConfig(env, '/srv')).toEqual({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/var/lib/shoal',
      corsOrigins: ['http://localhost:5173', 'http://x:1'],
    });
    expect(readEnvConfig({ PORT: '' }, '/srv').port).toBe(DEFAULT_PORT);
  });

  it('names the variable when a value makes no sense', () => {
    expect(() => readEnvConfig({ PORT: 'eighty' })).toThrow('Bad environment: PORT: PORT must be a whole number');
    expect(() => readEnvConfig({ PORT: '70000' })).toThrow('PORT must be at most 65535');
  });
});
