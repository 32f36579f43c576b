/** The tracker's settings: environment variables read once at start, and the policy constants behind them. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

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
}

/**
 * REST calls per client IP address across /api: a burst of 60, then 5 a second. Scripts and health
 * checks stay far below it; someone guessing the network key or the admin token is held to 5 tries
 * a second. Behind a reverse proxy every caller shares the proxy's address, and so this budget.
 */
export const REST_RATE_LIMIT: BucketPolicy = { capacity: 60, refillPerSecond: 5 };

/** Past this many addresses tracked, idle ones (full buckets) are forgotten, so memory stays bounded. */
export const REST_RATE_LIMIT_MAX_ADDRESSES = 10_000;

export const RATE_LIMITS: RateLimitPolicy = {
  // A join is two requests (challenge + join); a person retrying a taken name a few times fits in
  // the burst, while guessing a network key or hammering ECDSA verification is held to one try per 5 s.
  join: { capacity: 10, refillPerSecond: 0.4 },
  // Clients re-run their search on every index-changed push: twenty peers re-announcing after a
  // tracker restart is a burst of twenty, so the burst is 40. A search scans the whole index, so
  // the steady rate stays low.
  search: { capacity: 40, refillPerSecond: 10 },
  // A peer sharing PEER_MAX_FILES re-announces them in 20 batches of ANNOUNCE_MAX_FILES on rejoin.
  share: { capacity: 40, refillPerSecond: 10 },
  // One lookup per download start and per failover; a queue of downloads starts many at once.
  holders: { capacity: 60, refillPerSecond: 20 },
  // Each WebRTC connection trickles an offer, an answer and a few dozen ICE candidates, and a
  // download may open several connections at once.
  signal: { capacity: 300, refillPerSecond: 100 },
};

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
}

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
});

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
  return {
    port: parsed.data.PORT,
    host: parsed.data.HOST,
    dataDir: resolve(cwd, parsed.data.DATA_DIR),
    corsOrigins: parsed.data.CORS_ORIGIN,
    networkKey: parsed.data.SHOAL_NETWORK_KEY,
    adminToken: parsed.data.SHOAL_ADMIN_TOKEN,
    tls: certPath !== undefined && keyPath !== undefined ? { certPath: resolve(cwd, certPath), keyPath: resolve(cwd, keyPath) } : undefined,
  };
}

/** Creates the data directory if it is missing. */
export function prepareDataDir(config: EnvConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
}
