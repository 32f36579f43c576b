import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ShoalError } from '../../shared/protocol';
import { createTracker } from '../app';
import { REDIS_COMMAND_TIMEOUT_MS } from '../config';
import type { RunningTracker } from '../app';
import { fileNamed, peerNamed } from '../test-support/fixtures';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { joinClient } from '../test-support/tracker-harness';
import type { JoinedPeer } from '../test-support/tracker-harness';
import { waitFor } from '../test-support/wait-for';
import { registrationFor } from './registration-store.contract';
import { RedisRegistrationStore } from './redis-registration-store';
import { RedisTrackerStore } from './redis-tracker-store';

/** A call during an outage must fail within the command timeout plus one reconnection attempt. */
const FAILS_WITHIN_MS = 2 * REDIS_COMMAND_TIMEOUT_MS + 1_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redisServer(): Promise<RedisServer> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  return redis;
}

/** Resolves with the error the call failed with, and how long it took; fails the test if it succeeded. */
async function failureOf(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const startedMs = Date.now();
  const error = await call().then(
    () => {
      throw new Error('Expected the call to fail while Redis is down');
    },
    (reason: unknown) => reason,
  );
  return { error, elapsedMs: Date.now() - startedMs };
}

describe('the Redis stores through a Redis outage', () => {
  it('fail clearly and quickly while Redis is down, and work again, data intact, once it is back', async () => {
    const redis = await redisServer();
    const keyPrefix = `test-${randomUUID()}:`;
    const store = await RedisTrackerStore.open({ url: redis.url, keyPrefix });
    cleanups.push(() => store.close());
    const registrations = await RedisRegistrationStore.open({ url: redis.url, keyPrefix });
    cleanups.push(() => registrations.close());
    const ana = peerNamed('Ana');
    const anaName = registrationFor('Ana');
    await registrations.claimName(anaName);
    await store.addPeer(ana);
    await store.announce(ana.id, [fileNamed('before the outage.txt')]);

    await redis.kill();
    for (const call of [() => store.addPeer(peerNamed('Bo')), () => store.listPeers(), () => registrations.registrationOf('Ana')]) {
      const { error, elapsedMs } = await failureOf(call);
      expect(error).toBeInstanceOf(ShoalError);
      expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining("The tracker's database (Redis) is not answering") });
      expect(elapsedMs).toBeLessThan(FAILS_WITHIN_MS);
    }
    // Searches answer from this process's replica as it last was.
    expect((await store.search({ query: 'outage', limit: 10, offset: 0 })).total).toBe(1);

    await redis.start();
    await waitFor(() => store.stats().then(() => true, () => false), 'the store to reach Redis again', 10_000);
    expect(await registrations.registrationOf('ana')).toEqual(anaName);
    expect(await store.getPeer(ana.id)).toEqual(ana);
    await store.announce(ana.id, [fileNamed('after the outage.txt')]);
    expect((await store.search({ query: 'outage', limit: 10, offset: 0 })).results.map((file) => file.name)).toEqual([
      'after the outage.txt',
      'before the outage.txt',
    ]);
  });

  it('removes a peer that left during the outage once Redis is back, freeing its name', async () => {
    const redis = await redisServer();
    const store = await RedisTrackerStore.open({ url: redis.url, keyPrefix: `test-${randomUUID()}:` });
    cleanups.push(() => store.close());
    const ana = peerNamed('Ana');
    await store.addPeer(ana);
    await store.announce(ana.id, [fileNamed('left behind.txt')]);

    await redis.kill();
    const removal = store.removePeer(ana.id);
    // Long enough for at least one try to fail (a command fails within the timeout while Redis is down).
    await new Promise((resolve) => setTimeout(resolve, REDIS_COMMAND_TIMEOUT_MS + 500));
    await redis.start();
    expect(await removal).toMatchObject({ peer: ana, fileCount: 1, fileNames: ['left behind.txt'] });
    await expect(store.addPeer(peerNamed('ana'))).resolves.toBeUndefined();
    expect((await store.search({ query: 'left', limit: 10, offset: 0 })).total).toBe(0);
  });

  it("keeps another process's search replica following once Redis is back", async () => {
    const redis = await redisServer();
    const keyPrefix = `test-${randomUUID()}:`;
    const [writer, reader] = [await RedisTrackerStore.open({ url: redis.url, keyPrefix }), await RedisTrackerStore.open({ url: redis.url, keyPrefix })];
    cleanups.push(() => writer.close(), () => reader.close());
    const ana = peerNamed('Ana');
    await writer.addPeer(ana);

    await redis.restart();
    await waitFor(() => writer.announce(ana.id, [fileNamed('shared after restart.txt')]).then(() => true, () => false), 'an announce to go through', 10_000);
    await waitFor(async () => (await reader.search({ query: 'restart', limit: 10, offset: 0 })).total === 1, "the other process's search to see it", 10_000);
  });
});

describe('a tracker on Redis', () => {
  it('refuses to start, naming the URL, when Redis is unreachable', async () => {
    const redis = await redisServer();
    await redis.kill();
    const { error, elapsedMs } = await failureOf(() => createTracker({ host: '127.0.0.1', port: 0, staticDir: null, redisUrl: redis.url }));
    expect(String(error)).toContain(`Redis at redis://127.0.0.1:${redis.port} is unreachable (ECONNREFUSED)`);
    expect(elapsedMs).toBeLessThan(FAILS_WITHIN_MS);
  });

  it("answers a peer's request with TIMEOUT during an outage instead of hanging, then serves it again", async () => {
    const redis = await redisServer();
    const tracker: RunningTracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, redisUrl: redis.url, redisKeyPrefix: `test-${randomUUID()}:` });
    cleanups.push(() => tracker.close());
    const ana: JoinedPeer = await joinClient(tracker.url, 'Ana');
    cleanups.push(async () => void ana.socket.disconnect());

    await redis.kill();
    const refused = await ana.socket.timeout(FAILS_WITHIN_MS).emitWithAck('announce', { files: [fileNamed('during.txt')] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });

    await redis.start();
    const file = fileNamed('after.txt');
    await waitFor(async () => (await ana.socket.timeout(FAILS_WITHIN_MS).emitWithAck('announce', { files: [file] })).ok, 'an announce to succeed', 10_000);
    expect(await ana.socket.emitWithAck('holders', { contentId: file.contentId })).toMatchObject({ ok: true, file: { name: 'after.txt' } });
  });
});
