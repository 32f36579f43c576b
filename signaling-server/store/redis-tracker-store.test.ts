import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileNamed, peerNamed } from '../test-support/fixtures';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { RedisTrackerStore } from './redis-tracker-store';
import { ANNOUNCE } from './redis-tracker-scripts';
import { describeTrackerStoreContract } from './tracker-store.contract';
import { waitFor } from '../test-support/wait-for';

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

describe('RedisTrackerStore across tracker processes', () => {
  /** Two stores on one prefix stand for two tracker processes of one network. */
  async function network(count: number, keyPrefix = `test-${randomUUID()}:`): Promise<RedisTrackerStore[]> {
    const stores: RedisTrackerStore[] = [];
    for (let index = 0; index < count; index += 1) {
      const store = await RedisTrackerStore.open({ url: redis.url, keyPrefix });
      opened.push(store);
      stores.push(store);
    }
    return stores;
  }

  it('owns a name network-wide: one process cannot claim a name a peer on another holds', async () => {
    const [one, two] = await network(2);
    await one!.addPeer(peerNamed('Ana', 'node-1'));
    await expect(two!.addPeer(peerNamed('ANA', 'node-2'))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    const outcomes = await Promise.allSettled([one!.addPeer(peerNamed('Bo', 'node-1')), two!.addPeer(peerNamed('bo', 'node-2'))]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect((await two!.listPeers()).map((peer) => peer.name.toLowerCase())).toEqual(['ana', 'bo']);
  });

  it("searches another process's files, with holders in the same order everywhere", async () => {
    const [one, two] = await network(2);
    const [ana, bo] = [peerNamed('Ana', 'node-1'), peerNamed('Bo', 'node-2')];
    await one!.addPeer(ana);
    await two!.addPeer(bo);
    const movie = fileNamed('holiday movie.mkv');
    await one!.announce(ana.id, [movie, fileNamed('notes.txt')]);
    await two!.announce(bo.id, [{ ...movie, name: 'film.mkv' }]);

    const expected = { total: 1, results: [{ ...movie, holders: [{ id: ana.id, name: 'Ana' }, { id: bo.id, name: 'Bo' }] }] };
    for (const store of [one!, two!]) {
      await waitFor(async () => (await store.search({ query: 'film', limit: 10, offset: 0 })).total === 1, 'the second holder everywhere');
      expect(await store.search({ query: 'MOVIE', limit: 10, offset: 0 })).toEqual(expected);
      expect(await store.holdersOf(movie.contentId)).toEqual(expected.results[0]);
    }
  });

  it("removes a dead process's peers, and every process's search forgets their files", async () => {
    const [survivor, dead] = await network(2);
    const [ana, bo] = [peerNamed('Ana', 'node-alive'), peerNamed('Bo', 'node-dead')];
    await survivor!.addPeer(ana);
    await dead!.addPeer(bo);
    await dead!.announce(bo.id, [fileNamed('gone.txt')]);
    await waitFor(async () => (await survivor!.search({ query: 'gone', limit: 10, offset: 0 })).total === 1, 'the file on the survivor');

    const removed = await survivor!.removePeersOfNode('node-dead');
    expect(removed.map((gone) => ({ name: gone.peer.name, fileCount: gone.fileCount, fileNames: gone.fileNames }))).toEqual([
      { name: 'Bo', fileCount: 1, fileNames: ['gone.txt'] },
    ]);
    expect((await survivor!.search({ query: 'gone', limit: 10, offset: 0 })).total).toBe(0);
    await waitFor(async () => (await dead!.search({ query: '', limit: 10, offset: 0 })).total === 0, 'the file gone on the other process');
    expect(await survivor!.stats()).toEqual({ peers: 1, files: 0 });
  });

  it('builds a late-starting process its index from a snapshot, holder order included', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const [first] = await network(1, keyPrefix);
    const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
    await first!.addPeer(bo);
    await first!.addPeer(ana);
    const shared = fileNamed('shared.iso');
    await first!.announce(bo.id, [shared]);
    await first!.announce(ana.id, [{ ...shared, name: 'later name.iso' }, fileNamed('report.pdf')]);
    await first!.announce(bo.id, [{ ...shared, name: 'renamed.iso' }]);
    const everything = { query: '', limit: 10, offset: 0 };

    const [late] = await network(1, keyPrefix);
    expect(await late!.search(everything)).toEqual(await first!.search(everything));
    expect((await late!.holdersOf(shared.contentId))?.holders.map((holder) => holder.name)).toEqual(['Bo', 'Ana']);
    expect(await late!.fileNamesOf([shared.contentId])).toEqual(expect.arrayContaining(['renamed.iso', 'later name.iso']));
  });

  it('reloads a snapshot when changes left the stream before a process read them', async () => {
    const keyPrefix = `test-${randomUUID()}:`;
    const [one, two] = await network(2, keyPrefix);
    const ana = peerNamed('Ana');
    await one!.addPeer(ana);
    // An announce whose stream entry is trimmed in the same transaction: blocked readers are served
    // only after it, so no process ever reads the entry (as when a process lags past the trimming).
    const missed = fileNamed('missed.txt');
    const raw = new Redis(redis.url);
    try {
      await raw
        .multi()
        .eval(ANNOUNCE.source, 0, keyPrefix, ana.id, 100, JSON.stringify([missed]), missed.contentId, JSON.stringify(missed))
        .xtrim(`${keyPrefix}changes`, 'MAXLEN', 0)
        .exec();
    } finally {
      raw.disconnect();
    }
    await one!.announce(ana.id, [fileNamed('next.txt')]);
    for (const store of [one!, two!]) {
      await waitFor(async () => (await store.search({ query: 'txt', limit: 10, offset: 0 })).total === 2, 'both files after the gap');
    }
  });
});
