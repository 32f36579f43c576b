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

export interface EnvConfig {
  port: number;
  host: string;
  /** Absolute path of the directory for tracker data (created at start if missing). */
  dataDir: string;
  /** Extra origins allowed to open Socket.IO connections, e.g. the Vite dev server. */
  corsOrigins: string[];
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
  return {
    port: parsed.data.PORT,
    host: parsed.data.HOST,
    dataDir: resolve(cwd, parsed.data.DATA_DIR),
    corsOrigins: parsed.data.CORS_ORIGIN,
  };
}

/** Creates the data directory if it is missing. */
export function prepareDataDir(config: EnvConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
}
