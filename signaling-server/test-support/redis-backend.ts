/**
 * Lets the tracker's integration tests run on either store. With SHOAL_TEST_STORE=redis (set by the
 * "tracker on Redis" project in vitest.config.ts) every tracker `useTracker` starts keeps its
 * state, registrations and bans in a real redis-server, one per describe block, with a fresh key
 * prefix per tracker (an empty network); otherwise nothing changes and trackers stay embedded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { TrackerOptions } from '../app';
import { startRedisServer } from './redis-server';
import type { RedisServer } from './redis-server';

export const isRedisBackend = process.env.SHOAL_TEST_STORE === 'redis';

/** Registers the hooks (Redis backend only) and returns the options each new tracker gets. */
export function useStoreBackend(): () => Pick<TrackerOptions, 'redisUrl' | 'redisKeyPrefix'> {
  if (!isRedisBackend) return () => ({});
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (redis === undefined) throw new Error('The Redis backend starts its redis-server in beforeAll');
    return { redisUrl: redis.url, redisKeyPrefix: `test-${randomUUID()}:` };
  };
}
