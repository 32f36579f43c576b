import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { createTracker } from './app';
import type { RunningTracker } from './app';
import { RedisConnectionCounter } from './connection-cap-redis';
import type { RedisConnectionCounterOptions } from './connection-cap-redis';
import { startRedisServer } from './test-support/redis-server';
import type { RedisServer } from './test-support/redis-server';
import { waitFor } from './test-support/wait-for';

const LIMIT = 3;
let redisServer: RedisServer;
const clients: Redis[] = [];
const counters: RedisConnectionCounter[] = [];
const trackers: RunningTracker[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
});

afterAll(async () => {
  await redisServer.stop();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const tracker of trackers.splice(0)) await tracker.close();
  for (const counter of counters.splice(0)) await counter.close();
  for (const client of clients.splice(0)) client.disconnect();
});

/** A counter on its own Redis connection, as each tracker process has; a fresh key prefix per test. */
async function counterFor(prefix: string, options: RedisConnectionCounterOptions = {}): Promise<{ counter: RedisConnectionCounter; redis: Redis }> {
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  clients.push(redis);
  const counter = await RedisConnectionCounter.start(redis, { keyPrefix: prefix, ...options });
  counters.push(counter);
  return { counter, redis };
}

function connect(url: string): Promise<{ socket: Socket; refusal?: string }> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => resolve({ socket, refusal: error.message }));
  });
}

describe('connections per address counted in Redis', () => {
  it('caps one address across two trackers on one redis-server (REDIS_URL)', async () => {
    const redisKeyPrefix = `test-${Date.now()}-a:`;
    const started: RunningTracker[] = [];
    for (let index = 0; index < 2; index += 1) {
      const options = { redisUrl: redisServer.url, redisKeyPrefix, maxConnectionsPerAddress: LIMIT };
      const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, ...options });
      trackers.push(tracker);
      started.push(tracker);
    }
    const [a, b] = started as [RunningTracker, RunningTracker];
    const first = await connect(a.url);
    expect(first.refusal).toBeUndefined();
    expect((await connect(a.url)).refusal).toBeUndefined();
    expect((await connect(b.url)).refusal).toBeUndefined();
    // The fourth, on either tracker, is one too many for 127.0.0.1.
    expect((await connect(b.url)).refusal).toBe(`Too many connections from your address (limit ${LIMIT})`);
    expect((await connect(a.url)).refusal).toContain('Too many connections');

    // Closing a connection on tracker A frees a slot on tracker B.
    first.socket.disconnect();
    const again = await waitFor(async () => {
      const attempt = await connect(b.url);
      return attempt.refusal === undefined ? attempt : undefined;
    }, 'a slot on tracker B after a connection on A closed');
    expect(again.socket.connected).toBe(true);
  });

  it('admits connections uncounted while Redis is down, and logs it once', async () => {
    const errors: string[] = [];
    const log = { info: () => undefined, error: (message: string) => errors.push(message) };
    const redisKeyPrefix = `test-${Date.now()}-d:`;
    const tracker = await createTracker({
      ...{ host: '127.0.0.1', port: 0, staticDir: null, log },
      ...{ redisUrl: redisServer.url, redisKeyPrefix, maxConnectionsPerAddress: 2 },
    });
    trackers.push(tracker);
    expect((await connect(tracker.url)).refusal).toBeUndefined();
    expect((await connect(tracker.url)).refusal).toBeUndefined();
    expect((await connect(tracker.url)).refusal).toContain('Too many connections');
    await redisServer.kill();
    try {
      // Over the cap of 2, but the count cannot be read: a Redis outage must not lock people out.
      // (This process's own backstop of twice the cap in transports still holds.)
      expect((await connect(tracker.url)).refusal).toBeUndefined();
      expect((await connect(tracker.url)).refusal).toBeUndefined();
      expect(errors.filter((message) => message.startsWith('Could not count connections per address'))).toHaveLength(1);
    } finally {
      await redisServer.start();
    }
  });

  it("stops counting a crashed process's connections once its heartbeat lapses", async () => {
    const prefix = `test-${Date.now()}-b:`;
    const timing = { heartbeatMs: 100, nodeTimeoutMs: 600 };
    const crashed = await counterFor(prefix, { nodeId: 'crashed', ...timing });
    const survivor = await counterFor(prefix, { nodeId: 'survivor', ...timing });
    for (let index = 0; index < LIMIT; index += 1) expect(await crashed.counter.tryAcquire('198.51.100.7', LIMIT)).toBe(true);
    expect(await survivor.counter.tryAcquire('198.51.100.7', LIMIT)).toBe(false);
    // Another address is unaffected.
    expect(await survivor.counter.tryAcquire('198.51.100.8', LIMIT)).toBe(true);

    // The process dies without cleaning up: its link to Redis is cut, so its heartbeats stop.
    crashed.redis.disconnect();
    await waitFor(() => survivor.counter.tryAcquire('198.51.100.7', LIMIT), 'a slot once the crashed process stops counting', 5_000);
    // Its stale field is gone from Redis, and the survivor's own count stands.
    const fields = await survivor.redis.hgetall(`${prefix}conns:198.51.100.7`);
    expect(fields).toEqual({ survivor: '1' });
  });

  it('releases and closes cleanly: counts fall to zero and the keys go', async () => {
    const prefix = `test-${Date.now()}-c:`;
    const { counter, redis } = await counterFor(prefix, { nodeId: 'only' });
    expect(await counter.tryAcquire('203.0.113.5', 2)).toBe(true);
    expect(await counter.tryAcquire('203.0.113.5', 2)).toBe(true);
    expect(await counter.tryAcquire('203.0.113.5', 2)).toBe(false);
    await counter.release('203.0.113.5');
    expect(await redis.hgetall(`${prefix}conns:203.0.113.5`)).toEqual({ only: '1' });
    expect(await redis.pttl(`${prefix}conns:203.0.113.5`)).toBeGreaterThan(0);
    await counter.close();
    expect(await redis.exists(`${prefix}conns:203.0.113.5`)).toBe(0);
    expect(await redis.zscore(`${prefix}conn-nodes`, 'only')).toBeNull();
  });
});
