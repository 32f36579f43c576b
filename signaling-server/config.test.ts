import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_MIN_CHARS, DEFAULT_HOST, DEFAULT_PORT, readEnvConfig } from './config';

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

  it('reads the security settings: network key, admin token and TLS files', () => {
    const env = {
      SHOAL_NETWORK_KEY: 'our secret',
      SHOAL_ADMIN_TOKEN: 'a'.repeat(32),
      TLS_CERT: 'certs/cert.pem',
      TLS_KEY: '/etc/shoal/key.pem',
    };
    expect(readEnvConfig(env, '/srv')).toMatchObject({
      networkKey: 'our secret',
      adminToken: 'a'.repeat(32),
      tls: { certPath: '/srv/certs/cert.pem', keyPath: '/etc/shoal/key.pem' },
    });
    expect(readEnvConfig({}, '/srv')).toMatchObject({ networkKey: undefined, adminToken: undefined, tls: undefined });
  });

  it('refuses a guessable admin token and half a TLS setup', () => {
    expect(() => readEnvConfig({ SHOAL_ADMIN_TOKEN: 'short' })).toThrow(`SHOAL_ADMIN_TOKEN needs at least ${ADMIN_TOKEN_MIN_CHARS} characters`);
    expect(() => readEnvConfig({ TLS_CERT: 'cert.pem' })).toThrow('TLS_CERT and TLS_KEY go together');
    expect(() => readEnvConfig({ TLS_KEY: 'key.pem' })).toThrow('TLS_CERT and TLS_KEY go together');
  });

  it('names the variable when a value makes no sense', () => {
    expect(() => readEnvConfig({ PORT: 'eighty' })).toThrow('Bad environment: PORT: PORT must be a whole number');
    expect(() => readEnvConfig({ PORT: '70000' })).toThrow('PORT must be at most 65535');
  });
});
