/** The tracker's settings: environment variables read once at start, and the policy constants behind them. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ICE_SERVERS_MAX, iceServerUrlSchema, iceServersSchema } from '../shared/protocol/ice-servers';
import type { IceServer } from '../shared/protocol/ice-servers';
import { trustedProxiesSchema } from './client-address';
import type { ProxyEntry } from './client-address';

/** The repository root (this file lives in `<repo>/signaling-server/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `vite build` writes the web app the tracker serves. */
export const DEFAULT_STATIC_DIR = resolve(REPO_ROOT, 'dist');

export const DEFAULT_PORT = 8080;

/** Every interface, so phones and laptops on the same network can open the app. */
export const DEFAULT_HOST = '0.0.0.0';

export interface HeartbeatPolicy {
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

/**
 * Socket.IO pings each peer every `pingIntervalMs` and drops it when no pong arrives within
 * `pingTimeoutMs`. A peer that freezes right after a pong is dropped by interval + timeout = 10 s,
 * inside the 15 s budget for removing a closed, crashed, frozen or cut-off peer with its files.
 * The server sends the pings and a pong is a reply to a received message, not a timer, so
 * background-tab timer throttling does not make a healthy tab look dead.
 */
export const HEARTBEAT: HeartbeatPolicy = { pingIntervalMs: 5_000, pingTimeoutMs: 5_000 };

/** Removal budget the heartbeat must meet; kept here so a test can hold HEARTBEAT to it. */
export const DEAD_PEER_REMOVAL_BUDGET_MS = 15_000;

/**
 * Largest Socket.IO message. The biggest legitimate one is an announce of 500 files (~250 KB) or
 * a 64 KiB signal; 1 MB leaves headroom while capping what one message can make the tracker hold.
 */
export const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * Files one peer may have in the index at once. Generous for a person sharing a folder, but it
 * stops one misbehaving client from filling the tracker's memory by announcing in a loop.
 */
export const PEER_MAX_FILES = 10_000;

/**
 * Peers per page of the peer list a joining peer receives: 500 summaries are ~100 KB, well under
 * MAX_MESSAGE_BYTES, and a 10,000-peer network arrives in 20 pushes.
 */
export const PEER_LIST_PAGE_SIZE = 500;

/**
 * A peer hears 'index-changed' at most once per this period, and re-runs its search on it. A
 * 10,000-file rejoin (20 announces) or a burst of peers leaving thus costs each interested peer
 * one refresh, not one per change; a change inside the quiet period is pushed at its end, never
 * dropped. Two seconds is short enough that new shares still seem to appear at once.
 */
export const INDEX_CHANGED_MIN_INTERVAL_MS = 2_000;

/**
 * Matching a change against live queries costs live queries × changed names substring checks.
 * Past this many names (a large announce, a big sharer leaving) the tracker stops checking and
 * tells every peer with a live query (still at most once per interval): 10,000 queries × 100
 * names is a million short substring checks, tens of milliseconds, about the most one event should
 * hold the tracker's one thread for. A person sharing a few files stays far below it.
 */
export const INDEX_CHANGED_MAX_NAMES_CHECKED = 100;

/**
 * With REDIS_URL, how long one Redis command may take. Redis answers in well under a millisecond,
 * so this only trips in an outage: then a join or announce fails within seconds with TIMEOUT
 * instead of hanging, while ioredis keeps reconnecting in the background.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * With REDIS_URL, how long removing a peer keeps retrying through a Redis outage before it gives
 * up. A peer left in Redis behind a closed connection would hold its name, and nobody else would
 * remove it while its tracker process lives; 30 s rides out a Redis restart or a failover.
 */
export const REDIS_REMOVAL_RETRY_WINDOW_MS = 30_000;

/**
 * Entries kept in the Redis change stream that feeds each process's search replica. A process
 * reads it within milliseconds; one that falls further behind (paused, cut off) reloads a full
 * snapshot instead. An entry is one join, leave, withdrawal or announce (at most 500 files, about
 * 200 bytes each), so 10,000 entries hold the last seconds of a mass rejoin: usually a few MB in
 * Redis, 1 GB at worst (every entry a full announce).
 */
export const CHANGE_STREAM_MAX_ENTRIES = 10_000;

/** How long `npm start` waits for a clean shutdown before exiting anyway. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** The SQLite file under DATA_DIR that holds name registrations and bans. */
export const REGISTRATIONS_DB_FILE = 'registrations.db';

/**
 * An admin token short enough to guess is worse than none: it opens revocation and bans to anyone.
 * 16 characters is the floor; `openssl rand -hex 32` makes a good one.
 */
export const ADMIN_TOKEN_MIN_CHARS = 16;

/** A token bucket: `capacity` requests at once, then `refillPerSecond` on average. */
export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

/** Per-connection request budgets; a request over budget gets RATE_LIMITED and changes nothing. */
export interface RateLimitPolicy {
  /** `challenge` and `join` together. */
  join: BucketPolicy;
  search: BucketPolicy;
  /** `announce` and `withdraw` together. */
  share: BucketPolicy;
  holders: BucketPolicy;
  signal: BucketPolicy;
  /** `ice-servers`: renewing TURN credentials. */
  iceServers: BucketPolicy;
}

/**
 * REST calls per client IP address across /api: a burst of 60, then 5 a second. Scripts and health
 * checks stay far below it; someone guessing the network key or the admin token is held to 5 tries
 * a second. Behind a reverse proxy every caller shares the proxy's address, and so this budget,
 * unless the proxy is listed in SHOAL_TRUSTED_PROXIES.
 */
export const REST_RATE_LIMIT: BucketPolicy = { capacity: 60, refillPerSecond: 5 };

/**
 * Socket.IO connections one client address may hold at once, across every tracker process. Each
 * browser tab or CLI peer is one connection, so 20 covers a household or small office behind one
 * NAT with room to spare, while one address can no longer open thousands of connections (each with
 * its own rate-limit budget). Networks whose users share addresses widely (carrier-grade NAT, a
 * campus) should raise it; behind a reverse proxy list it in SHOAL_TRUSTED_PROXIES, or every client
 * counts as the proxy's address. 0 turns the cap off.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 20;

/** Past this many addresses tracked, idle ones (full buckets) are forgotten, so memory stays bounded. */
export const REST_RATE_LIMIT_MAX_ADDRESSES = 10_000;

export const RATE_LIMITS: RateLimitPolicy = {
  // A join is two requests (challenge + join); a person retrying a taken name a few times fits in
  // the burst, while guessing a network key or hammering ECDSA verification is held to one try per 5 s.
  join: { capacity: 10, refillPerSecond: 0.4 },
  // Clients re-run their search on an index-changed push, which reaches a peer at most once per
  // INDEX_CHANGED_MIN_INTERVAL_MS; people typing fill the burst of 40. A search costs about its answer
  // (search/file-index.ts), but a query of only 1-2 letter words still scans every file, so the
  // steady rate stays low.
  search: { capacity: 40, refillPerSecond: 10 },
  // A peer sharing PEER_MAX_FILES re-announces them in 20 batches of ANNOUNCE_MAX_FILES on rejoin.
  share: { capacity: 40, refillPerSecond: 10 },
  // One lookup per download start and per failover; a queue of downloads starts many at once.
  holders: { capacity: 60, refillPerSecond: 20 },
  // Each WebRTC connection trickles an offer, an answer and a few dozen ICE candidates, and a
  // download may open several connections at once.
  signal: { capacity: 300, refillPerSecond: 100 },
  // A peer renews once per credential lifetime (at least a minute); a few retries after a dropped
  // answer fit in the burst. Each renewal is an HMAC, cheap, but there is no reason to allow more.
  iceServers: { capacity: 5, refillPerSecond: 0.1 },
};

/**
 * TURN credentials last a day unless the operator says otherwise: peers renew them well before
 * (see ICE_RENEW_AT_FRACTION in shared/tracker-client), so the lifetime only bounds how long a
 * credential copied out of a browser stays good.
 */
export const DEFAULT_TURN_TTL_SECONDS = 86_400;
/** Shorter and peers would renew every few seconds; longer and a leaked credential lives on for weeks. */
export const TURN_TTL_MIN_SECONDS = 60;
export const TURN_TTL_MAX_SECONDS = 7 * 86_400;

/**
 * Every peer is given a username and its HMAC, so anyone can try secrets offline against one;
 * a secret this long (`openssl rand -hex 32` makes a good one) keeps that out of reach.
 */
export const TURN_SECRET_MIN_CHARS = 16;

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
