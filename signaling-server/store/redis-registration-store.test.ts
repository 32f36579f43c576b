import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { RedisRegistrationStore } from './redis-registration-store';
import { describeRegistrationStoreContract, registrationFor } from './registration-store.contract';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});

// The contract closes every store it opens; each gets a key prefix of its own (an empty network).
describeRegistrationStoreContract('RedisRegistrationStore', () => RedisRegistrationStore.open({ url: redis.url, keyPrefix: `test-${randomUUID()}:` }));

describe('RedisRegistrationStore across processes and restarts', () => {
  it('shares names and bans between tracker processes', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const [one, two] = await Promise.all([RedisRegistrationStore.open({ url: redis.url, keyPrefix }), RedisRegistrationStore.open({ url: redis.url, keyPrefix })]);
    try {
      const ana = registrationFor('Ana');
      await one.claimName(ana);
      await expect(two.claimName(registrationFor('ana'))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
      await two.ban({ fingerprint: ana.fingerprint, publicKey: null, bannedAtMs: 1_000 });
      expect(await one.banOf(ana.fingerprint)).toEqual({ fingerprint: ana.fingerprint, publicKey: null, bannedAtMs: 1_000 });
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('keeps registrations and bans through a Redis restart (AOF)', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const ana = registrationFor('Ana');
    const bo = registrationFor('Bo');
    const before = await RedisRegistrationStore.open({ url: redis.url, keyPrefix });
    await before.claimName(ana);
    await before.ban({ fingerprint: bo.fingerprint, publicKey: bo.publicKey, bannedAtMs: 2_000 });
    await before.close();

    await redis.restart();
    const after = await RedisRegistrationStore.open({ url: redis.url, keyPrefix });
    try {
      expect(await after.listRegistrations()).toEqual([ana]);
      await expect(after.claimName(registrationFor('ANA'))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
      expect(await after.listBans()).toEqual([{ fingerprint: bo.fingerprint, publicKey: bo.publicKey, bannedAtMs: 2_000 }]);
    } finally {
      await after.close();
    }
  });
});
