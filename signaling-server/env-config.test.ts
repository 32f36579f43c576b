import { describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN_MIN_CHARS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_PORT,
  DEFAULT_TURN_TTL_SECONDS,
} from './config';
import { readEnvConfig } from './env-config';

describe('readEnvConfig', () => {
  it('uses the defaults when nothing is set', () => {
    expect(readEnvConfig({}, '/srv/shoal')).toEqual({
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
      dataDir: '/srv/shoal/data',
      corsOrigins: [],
      ice: { staticServers: [] },
      maxConnectionsPerIp: DEFAULT_MAX_CONNECTIONS_PER_IP,
      trustedProxies: [],
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', DATA_DIR: '/var/lib/shoal', CORS_ORIGIN: 'http://localhost:5173, http://x:1', TZ: '' };
    expect(readEnvConfig(env, '/srv')).toEqual({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/var/lib/shoal',
      corsOrigins: ['http://localhost:5173', 'http://x:1'],
      ice: { staticServers: [] },
      maxConnectionsPerIp: DEFAULT_MAX_CONNECTIONS_PER_IP,
      trustedProxies: [],
    });
    expect(readEnvConfig({ PORT: '' }, '/srv').port).toBe(DEFAULT_PORT);
  });

  it('reads the connection cap and the trusted proxies, and names a bad proxy entry', () => {
    const env = { SHOAL_MAX_CONNECTIONS_PER_IP: '50', SHOAL_TRUSTED_PROXIES: '10.0.0.0/8, ::1' };
    expect(readEnvConfig(env, '/srv')).toMatchObject({
      maxConnectionsPerIp: 50,
      trustedProxies: [
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { address: '::1', prefix: 128, family: 'ipv6' },
      ],
    });
    expect(readEnvConfig({ SHOAL_MAX_CONNECTIONS_PER_IP: '0' }, '/srv').maxConnectionsPerIp).toBe(0);
    expect(() => readEnvConfig({ SHOAL_MAX_CONNECTIONS_PER_IP: 'lots' })).toThrow('SHOAL_MAX_CONNECTIONS_PER_IP must be a whole number');
    expect(() => readEnvConfig({ SHOAL_TRUSTED_PROXIES: '10.0.0.1, nginx' })).toThrow(
      "Bad environment: SHOAL_TRUSTED_PROXIES.1: SHOAL_TRUSTED_PROXIES: 'nginx' is not an IP address or CIDR block",
    );
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

  it('reads REDIS_URL and refuses anything but a redis:// or rediss:// URL', () => {
    expect(readEnvConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }, '/srv').redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(readEnvConfig({ REDIS_URL: 'rediss://:secret@redis.example.org' }, '/srv').redisUrl).toBe('rediss://:secret@redis.example.org');
    expect(readEnvConfig({}, '/srv').redisUrl).toBeUndefined();
    for (const bad of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://']) {
      expect(() => readEnvConfig({ REDIS_URL: bad }, '/srv')).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    }
  });

  it('names the variable when a value makes no sense', () => {
    expect(() => readEnvConfig({ PORT: 'eighty' })).toThrow('Bad environment: PORT: PORT must be a whole number');
    expect(() => readEnvConfig({ PORT: '70000' })).toThrow('PORT must be at most 65535');
  });

  it('reads the ICE servers and the TURN relay with its secret and credential lifetime', () => {
    const env = {
      SHOAL_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"},{"urls":["turn:a.example.org"],"username":"u","credential":"c"}]',
      SHOAL_TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      SHOAL_TURN_SECRET: 's'.repeat(32),
      SHOAL_TURN_TTL_SECONDS: '3600',
    };
    expect(readEnvConfig(env, '/srv').ice).toEqual({
      staticServers: [
        { urls: 'stun:stun.example.org:3478' },
        { urls: ['turn:a.example.org'], username: 'u', credential: 'c' },
      ],
      turn: {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        secret: 's'.repeat(32),
        ttlSeconds: 3600,
      },
    });
    const { SHOAL_TURN_TTL_SECONDS: _unset, ...withoutTtl } = env;
    expect(readEnvConfig(withoutTtl, '/srv').ice.turn?.ttlSeconds).toBe(DEFAULT_TURN_TTL_SECONDS);
  });

  it('stops start-up with a clear message for bad ICE and TURN settings', () => {
    const secret = 's'.repeat(32);
    expect(() => readEnvConfig({ SHOAL_ICE_SERVERS: 'stun:x' })).toThrow('SHOAL_ICE_SERVERS must be a JSON array');
    expect(() => readEnvConfig({ SHOAL_ICE_SERVERS: '{"urls":"stun:x"}' })).toThrow('Bad environment: SHOAL_ICE_SERVERS');
    expect(() => readEnvConfig({ SHOAL_ICE_SERVERS: '[{"urls":"http://x"}]' })).toThrow(
      'SHOAL_ICE_SERVERS.0.urls: An ICE server URL starts with stun:, turn: or turns:',
    );
    expect(() => readEnvConfig({ SHOAL_ICE_SERVERS: '[{"url":"stun:x"}]' })).toThrow('Bad environment: SHOAL_ICE_SERVERS.0');
    expect(() => readEnvConfig({ SHOAL_ICE_SERVERS: JSON.stringify(Array(16).fill({ urls: 'stun:x' })) })).toThrow(
      'SHOAL_ICE_SERVERS has at most 15 entries',
    );
    expect(() => readEnvConfig({ SHOAL_TURN_URLS: 'stun:x', SHOAL_TURN_SECRET: secret })).toThrow('SHOAL_TURN_URLS holds turn: or turns: URLs');
    expect(() => readEnvConfig({ SHOAL_TURN_URLS: ' , ', SHOAL_TURN_SECRET: secret })).toThrow('SHOAL_TURN_URLS needs at least one');
    expect(() => readEnvConfig({ SHOAL_TURN_URLS: 'turn:x' })).toThrow('SHOAL_TURN_URLS and SHOAL_TURN_SECRET go together');
    expect(() => readEnvConfig({ SHOAL_TURN_SECRET: secret })).toThrow('SHOAL_TURN_URLS and SHOAL_TURN_SECRET go together');
    expect(() => readEnvConfig({ SHOAL_TURN_URLS: 'turn:x', SHOAL_TURN_SECRET: 'short' })).toThrow('SHOAL_TURN_SECRET needs at least 16 characters');
    expect(() => readEnvConfig({ SHOAL_TURN_TTL_SECONDS: 'a day' })).toThrow('SHOAL_TURN_TTL_SECONDS must be a whole number of seconds');
    expect(() => readEnvConfig({ SHOAL_TURN_TTL_SECONDS: '5' })).toThrow('SHOAL_TURN_TTL_SECONDS must be at least 60');
    expect(() => readEnvConfig({ SHOAL_TURN_TTL_SECONDS: '9999999' })).toThrow('SHOAL_TURN_TTL_SECONDS must be at most');
  });
});
