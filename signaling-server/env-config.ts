/** The tracker's environment variables: read once at start, checked with zod, each bad value named. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ICE_SERVERS_MAX, iceServerUrlSchema, iceServersSchema } from '../shared/protocol/ice-servers';
import type { IceServer } from '../shared/protocol/ice-servers';
import { trustedProxiesSchema } from './client-address';
import type { ProxyEntry } from './client-address';
import {
  ADMIN_TOKEN_MIN_CHARS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_PORT,
  DEFAULT_TURN_TTL_SECONDS,
  TURN_SECRET_MIN_CHARS,
  TURN_TTL_MAX_SECONDS,
  TURN_TTL_MIN_SECONDS,
} from './config';

/** TURN relays with coturn's shared-secret credentials (`use-auth-secret`). */
export interface TurnConfig {
  /** `turn:` / `turns:` URLs of the relay. */
  urls: string[];
  /** coturn's `static-auth-secret`; never leaves the tracker. */
  secret: string;
  ttlSeconds: number;
}

/** The ICE servers the tracker hands to peers. */
export interface IceConfig {
  /** SHOAL_ICE_SERVERS as given (STUN, or TURN with fixed credentials). */
  staticServers: IceServer[];
  /** SHOAL_TURN_URLS with SHOAL_TURN_SECRET: relays whose credentials are minted per peer. */
  turn?: TurnConfig;
}

export interface EnvConfig {
  port: number;
  host: string;
  /** Absolute path of the directory for tracker data (created at start if missing). */
  dataDir: string;
  /** Extra origins allowed to open Socket.IO connections, e.g. the Vite dev server. */
  corsOrigins: string[];
  /** SHOAL_NETWORK_KEY: when set, joins and the REST API need it. */
  networkKey?: string;
  /** SHOAL_ADMIN_TOKEN: when set, the admin REST API under /api/admin accepts it as a bearer token. */
  adminToken?: string;
  /** TLS_CERT and TLS_KEY: PEM files; when both are set the tracker serves HTTPS and WSS. */
  tls?: { certPath: string; keyPath: string };
  /** SHOAL_ICE_SERVERS, SHOAL_TURN_URLS, SHOAL_TURN_SECRET, SHOAL_TURN_TTL_SECONDS. */
  ice: IceConfig;
  /** SHOAL_MAX_CONNECTIONS_PER_IP: Socket.IO connections per client address; 0 means no cap. */
  maxConnectionsPerIp: number;
  /** SHOAL_TRUSTED_PROXIES: reverse proxies (addresses, CIDR blocks) whose X-Forwarded-For names the client. */
  trustedProxies: ProxyEntry[];
  /**
   * REDIS_URL (redis:// or rediss://): tracker state, registrations and bans live in this Redis,
   * shared by every tracker process on it. Unset: embedded (memory, and SQLite under DATA_DIR).
   */
  redisUrl?: string;
}

/** SHOAL_ICE_SERVERS: one place in the wire limit is kept for the TURN entry the tracker adds. */
const iceServersJsonSchema = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'SHOAL_ICE_SERVERS must be a JSON array, e.g. [{"urls":"stun:stun.example.org:3478"}]' });
    return z.NEVER;
  }
}).pipe(iceServersSchema.max(ICE_SERVERS_MAX - 1, `SHOAL_ICE_SERVERS has at most ${ICE_SERVERS_MAX - 1} entries`));

const turnUrlSchema = iceServerUrlSchema.regex(/^turns?:/i, 'SHOAL_TURN_URLS holds turn: or turns: URLs, e.g. turn:turn.example.org:3478');

const envSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, 'PORT must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65_535, 'PORT must be at most 65535'))
    .default(DEFAULT_PORT),
  HOST: z.string().trim().min(1, 'HOST may not be blank').default(DEFAULT_HOST),
  DATA_DIR: z.string().trim().min(1, 'DATA_DIR may not be blank').default('./data'),
  CORS_ORIGIN: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')),
  SHOAL_NETWORK_KEY: z.string().max(256, 'SHOAL_NETWORK_KEY has at most 256 characters').optional(),
  SHOAL_ADMIN_TOKEN: z
    .string()
    .min(ADMIN_TOKEN_MIN_CHARS, `SHOAL_ADMIN_TOKEN needs at least ${ADMIN_TOKEN_MIN_CHARS} characters; make one with \`openssl rand -hex 32\``)
    .optional(),
  TLS_CERT: z.string().trim().optional(),
  TLS_KEY: z.string().trim().optional(),
  SHOAL_ICE_SERVERS: iceServersJsonSchema.default([]),
  SHOAL_TURN_URLS: z
    .string()
    .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url !== ''))
    .pipe(
      z
        .array(turnUrlSchema)
        .min(1, 'SHOAL_TURN_URLS needs at least one turn: or turns: URL')
        .max(ICE_SERVERS_MAX, `SHOAL_TURN_URLS has at most ${ICE_SERVERS_MAX} URLs`),
    )
    .optional(),
  SHOAL_TURN_SECRET: z
    .string()
    .min(TURN_SECRET_MIN_CHARS, `SHOAL_TURN_SECRET needs at least ${TURN_SECRET_MIN_CHARS} characters; make one with \`openssl rand -hex 32\``)
    .optional(),
  SHOAL_TURN_TTL_SECONDS: z
    .string()
    .regex(/^\d+$/, 'SHOAL_TURN_TTL_SECONDS must be a whole number of seconds')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(TURN_TTL_MIN_SECONDS, `SHOAL_TURN_TTL_SECONDS must be at least ${TURN_TTL_MIN_SECONDS}`)
        .max(TURN_TTL_MAX_SECONDS, `SHOAL_TURN_TTL_SECONDS must be at most ${TURN_TTL_MAX_SECONDS} (a week)`),
    )
    .default(DEFAULT_TURN_TTL_SECONDS),
  SHOAL_MAX_CONNECTIONS_PER_IP: z
    .string()
    .regex(/^\d+$/, 'SHOAL_MAX_CONNECTIONS_PER_IP must be a whole number (0 turns the cap off)')
    .transform(Number)
    .default(DEFAULT_MAX_CONNECTIONS_PER_IP),
  SHOAL_TRUSTED_PROXIES: trustedProxiesSchema.default([]),
  REDIS_URL: z
    .string()
    .trim()
    .refine(isRedisUrl, 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379')
    .optional(),
});

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Reads the environment; throws an Error naming the bad variable when a value makes no sense. */
export function readEnvConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): EnvConfig {
  // An empty variable (`PORT= npm start`) means "not set", as most tools treat it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Bad environment: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid value'}`);
  }
  const { TLS_CERT: certPath, TLS_KEY: keyPath } = parsed.data;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new Error('Bad environment: TLS_CERT and TLS_KEY go together; set both to serve HTTPS, or neither');
  }
  const { SHOAL_TURN_URLS: turnUrls, SHOAL_TURN_SECRET: turnSecret } = parsed.data;
  if ((turnUrls === undefined) !== (turnSecret === undefined)) {
    throw new Error('Bad environment: SHOAL_TURN_URLS and SHOAL_TURN_SECRET go together; set both to hand out TURN credentials, or neither');
  }
  return {
    port: parsed.data.PORT,
    host: parsed.data.HOST,
    dataDir: resolve(cwd, parsed.data.DATA_DIR),
    corsOrigins: parsed.data.CORS_ORIGIN,
    networkKey: parsed.data.SHOAL_NETWORK_KEY,
    adminToken: parsed.data.SHOAL_ADMIN_TOKEN,
    tls: certPath !== undefined && keyPath !== undefined ? { certPath: resolve(cwd, certPath), keyPath: resolve(cwd, keyPath) } : undefined,
    ice: {
      staticServers: parsed.data.SHOAL_ICE_SERVERS,
      turn:
        turnUrls !== undefined && turnSecret !== undefined
          ? { urls: turnUrls, secret: turnSecret, ttlSeconds: parsed.data.SHOAL_TURN_TTL_SECONDS }
          : undefined,
    },
    maxConnectionsPerIp: parsed.data.SHOAL_MAX_CONNECTIONS_PER_IP,
    trustedProxies: parsed.data.SHOAL_TRUSTED_PROXIES,
    redisUrl: parsed.data.REDIS_URL,
  };
}

/** Creates the data directory if it is missing. */
export function prepareDataDir(config: EnvConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
}
