/**
 * Connections to the Redis that holds a tracker network's shared state, with bounds so that a
 * Redis outage makes the tracker's calls fail clearly within seconds instead of hanging: ioredis
 * keeps reconnecting in the background, each command waits at most `REDIS_COMMAND_TIMEOUT_MS`,
 * and a command issued while disconnected is given up after one reconnection attempt.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ShoalError } from '../../shared/protocol';
import { REDIS_COMMAND_TIMEOUT_MS } from '../config';

/** Reconnection backoff: quick at first (a restart takes a second), then every 2 s at most. */
const RECONNECT_MAX_DELAY_MS = 2_000;

export interface RedisConnectionOptions {
  /** Shown in CLIENT LIST, so an operator can tell the tracker's connections apart. */
  connectionName?: string;
  /**
   * For a connection that issues blocking reads (XREAD BLOCK n): no per-command timeout, but a
   * read cut off by a lost connection resolves empty after n ms plus a grace period instead of
   * hanging (ioredis's blockingTimeout); the reader learns of the loss from the 'close' event.
   */
  isBlocking?: boolean;
}

function redisOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    commandTimeout: options.isBlocking === true ? undefined : REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: options.isBlocking === true ? null : 1,
    blockingTimeout: options.isBlocking === true ? REDIS_COMMAND_TIMEOUT_MS : undefined,
    // A write cut off mid-flight may or may not have run: fail it rather than run it twice.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, RECONNECT_MAX_DELAY_MS),
  };
}

/** A client for `url` (redis://host:port[/db]); call `connectRedis` to wait until it is ready. */
export function createRedisClient(url: string, options: RedisConnectionOptions = {}): Redis {
  const client = new Redis(url, redisOptions(options));
  // Without a listener ioredis prints every failed reconnection; callers see failures as command errors.
  client.on('error', () => undefined);
  return client;
}

/**
 * Opens a client and checks Redis answers, failing with a message that names the URL (a wrong
 * REDIS_URL should stop the tracker at start, not surface later as failed joins).
 */
export async function connectRedis(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  const client = createRedisClient(url, options);
  // connect() fails with a bare "Connection is closed"; the socket error before it says why.
  let socketError: unknown;
  const noteError = (error: unknown): void => {
    socketError = error;
  };
  client.on('error', noteError);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Redis at ${redactedUrl(url)} is unreachable (${describeCause(socketError ?? error)}); start it, e.g. redis-server --appendonly yes, or fix REDIS_URL`,
    );
  } finally {
    client.off('error', noteError);
  }
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function describeCause(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/**
 * Runs a Redis call and turns a connection failure or timeout into ShoalError `TIMEOUT` with a
 * message a person can act on; a ShoalError from the store's own logic passes through unchanged.
 */
export async function withRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ShoalError) throw error;
    throw new ShoalError('TIMEOUT', `The tracker's database (Redis) is not answering (${describeCause(error)}); try again in a moment`);
  }
}
