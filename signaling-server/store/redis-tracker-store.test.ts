import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { RedisTrackerStore } from './redis-tracker-store';
import { describeTrackerStoreContract } from './tracker-store.contract';

let redis: RedisServer;
const opened: RedisTrackerStore[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(async () => {
  await redis.stop();
});

// Each store gets a key prefix of its own: a fresh, empty network on the file's one redis-server.
describeTrackerStoreContract('RedisTrackerStore', async (options) => {
  const store = await RedisTrackerStore.open({ ...options, url: redis.url, keyPrefix: `test-${randomUUID()}:` });
  opened.push(store);
  return store;
});
