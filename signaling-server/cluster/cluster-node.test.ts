/**
 * Three trackers in this process sharing one real redis-server, as three processes would: peers
 * joined to different trackers see each other, get each other's signals and index changes, and
 * converge on one list under churn; a dead node's peers are cleared out, and a node taken for dead
 * makes its peers join again. (Killing real processes: cluster-processes.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/test-support/seeded-random';
import { createTracker } from '../app';
import type { RunningTracker } from '../app';
import { RedisTrackerStore } from '../store/redis-tracker-store';
import { startRedisPushRelay } from './redis-push-relay';
import { fileNamed, peerNamed } from '../test-support/fixtures';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { joinClient } from '../test-support/tracker-harness';
import type { JoinOptions, JoinedPeer } from '../test-support/tracker-harness';
import { waitFor } from '../test-support/wait-for';

/** Short beats, so a death is noticed in about a second. */
const FAST_LIVENESS = { beatIntervalMs: 200, deadAfterMs: 1_000, suspectAfterMs: 500, sweepIntervalMs: 200, sweepLockMs: 2_000 };

const ADMIN_TOKEN = 'cluster-test-admin-token-0123456789abcdef';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('trackers sharing one Redis', () => {
  let keyPrefix = '';
  let trackers: RunningTracker[] = [];
  let peers: JoinedPeer[] = [];

  beforeEach(async () => {
    // A prefix per test: a fresh network on the same Redis.
    keyPrefix = `test-${randomUUID()}:`;
    trackers = [];
    for (let node = 0; node < 3; node += 1) {
      trackers.push(
        await createTracker({
          host: '127.0.0.1',
          port: 0,
          staticDir: null,
          indexChangedMinIntervalMs: 0,
          redisUrl: redis.url,
          redisKeyPrefix: keyPrefix,
          nodeLiveness: FAST_LIVENESS,
          adminToken: ADMIN_TOKEN,
        }),
      );
    }
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.socket.disconnect();
    await Promise.all(trackers.map((tracker) => tracker.close()));
  });

  async function joinAt(node: number, name: string, options: JoinOptions = {}): Promise<JoinedPeer> {
    const peer = await joinClient(trackers[node]!.url, name, options);
    peers.push(peer);
    return peer;
  }

  it('shows peers on other nodes their joins, file counts and leaves, in one numbered sequence', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(1, 'Bo');
    const cy = await joinAt(2, 'Cy');
    for (const peer of [ana, bo, cy]) await peer.waitForPeers((list) => list.length === 3, `all three at ${peer.name}`);

    expect(await bo.socket.timeout(5_000).emitWithAck('announce', { files: [fileNamed('a.txt'), fileNamed('b.txt')] })).toEqual({ ok: true });
    await ana.waitForPeers((list) => list.some((peer) => peer.id === bo.id && peer.files === 2), 'Bo’s two files at Ana');
    cy.socket.disconnect();
    for (const peer of [ana, bo]) await peer.waitForPeers((list) => list.length === 2, `Cy gone at ${peer.name}`);

    const expected = [ana.summary(0), bo.summary(2)];
    expect(ana.latestPeers()).toEqual(expected);
    expect(bo.latestPeers()).toEqual(expected);
    // One sequence for the network: each peer saw strictly increasing numbers, none repeated.
    for (const peer of [ana, bo]) {
      const seqs = peer.pushes.peerDeltas.map((delta) => delta.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('relays a signal to a peer on another node', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(2, 'Bo');
    const data = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' } };
    expect(await ana.socket.timeout(5_000).emitWithAck('signal', { to: bo.id, connectionId: 'c1', data })).toEqual({ ok: true });
    const signal = await waitFor(() => bo.pushes.signals[0], 'the signal at Bo');
    expect(signal).toEqual({ from: ana.id, fromName: 'Ana', fromPublicKey: ana.identity.publicKey, connectionId: 'c1', data });
  });

  it('resends the list to its peers when a node sees a change number skipped (a lost publish)', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(1, 'Bo');
    await ana.waitForPeers((list) => list.length === 2, 'Bo at Ana');
    const snapshotsBefore = ana.pushes.peerSnapshots.length;
    const commands = new Redis(redis.url);
    try {
      // A change numbered but never heard of: the next delta's number skips one.
      await commands.incr(`${keyPrefix}peer-list:seq`);
      const cy = await joinAt(1, 'Cy');
      await waitFor(() => ana.pushes.peerSnapshots.length > snapshotsBefore, 'a fresh snapshot at Ana');
      await ana.waitForPeers((list) => list.some((peer) => peer.id === cy.id), 'Cy at Ana');
      expect(ana.latestPeers()).toEqual([ana.summary(0), bo.summary(0), cy.summary(0)]);
    } finally {
      commands.disconnect();
    }
  });

  it('lets an operator on one node remove a peer on another: the peer hears why, then is disconnected', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(2, 'Bo');
    await ana.waitForPeers((list) => list.length === 2, 'Bo at Ana');
    const removedBeforeDisconnect = new Promise<number>((resolve) => bo.socket.once('disconnect', () => resolve(bo.pushes.removed.length)));
    const response = await fetch(`${trackers[0]!.url}/api/admin/registrations/Bo`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await removedBeforeDisconnect).toBe(1);
    await ana.waitForPeers((list) => list.length === 1, 'Bo gone at Ana');
  });

  it('tells a searching peer on another node that its results changed, and its search finds the file', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(1, 'Bo');
    expect(await bo.socket.timeout(5_000).emitWithAck('search', { query: 'holiday' })).toMatchObject({ ok: true, total: 0 });
    expect(await ana.socket.timeout(5_000).emitWithAck('announce', { files: [fileNamed('Holiday.zip')] })).toEqual({ ok: true });
    await waitFor(() => bo.pushes.indexChanged >= 1, 'index-changed at Bo');
    const answer = await bo.socket.timeout(5_000).emitWithAck('search', { query: 'holiday' });
    expect(answer).toMatchObject({ ok: true, total: 1, results: [{ name: 'Holiday.zip', holders: [{ id: ana.id, name: 'Ana' }] }] });
  });

  it('keeps every remaining peer’s list equal to the tracker’s under churn across the nodes', async () => {
    const random = seededRandom(15);
    const online: JoinedPeer[] = [];
    let joined = 0;
    while (joined < 60) {
      const batch: Promise<void>[] = [];
      for (let slot = 0; slot < 6 && joined < 60; slot += 1) {
        const roll = random();
        if (online.length === 0 || roll < 0.55) {
          joined += 1;
          const node = Math.floor(random() * 3);
          batch.push(joinAt(node, `churn ${joined}`).then((peer) => void online.push(peer)));
        } else if (roll < 0.85) {
          online.splice(Math.floor(random() * online.length), 1)[0]?.socket.disconnect();
        } else {
          const peer = online[Math.floor(random() * online.length)];
          const files = [fileNamed(`step-${joined}-${slot}.txt`)];
          batch.push(peer?.socket.timeout(5_000).emitWithAck('announce', { files }).then(() => undefined, () => undefined) ?? Promise.resolve());
        }
      }
      await Promise.all(batch);
    }

    const ids = new Set(online.map((peer) => peer.id));
    const listed = async (): Promise<unknown[]> => ((await (await fetch(`${trackers[0]!.url}/api/peers`)).json()) as { peers: unknown[] }).peers;
    await waitFor(async () => (await listed()).length === ids.size, 'the tracker to list exactly the online peers', 15_000);
    const expected = (await listed()) as { id: string; files: number }[];
    expect(new Set(expected.map((peer) => peer.id))).toEqual(ids);
    const unconverged = (): string[] =>
      online
        .filter((peer) => JSON.stringify(peer.latestPeers()?.map((p) => [p.id, p.files])) !== JSON.stringify(expected.map((p) => [p.id, p.files])))
        .map((peer) => peer.name);
    await waitFor(() => unconverged().length === 0, 'every remaining peer’s list to equal the tracker’s', 15_000).catch(() => undefined);
    expect(unconverged()).toEqual([]);
  }, 90_000);

  it('carries pushes between nodes again after Redis restarts, and nobody is taken for dead', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(1, 'Bo');
    await ana.waitForPeers((list) => list.length === 2, 'Bo at Ana');
    const anaDropped = new Promise<void>((resolve) => ana.socket.once('disconnect', () => resolve()));
    let isAnaDropped = false;
    void anaDropped.then(() => (isAnaDropped = true));

    await redis.restart();
    const restartedAt = Date.now();
    // The trackers reconnect by themselves; a join may be refused until they have.
    const cy = await waitFor(() => joinAt(2, 'Cy').catch(() => undefined), 'a join to succeed after the restart', 10_000);
    expect(await cy.socket.timeout(5_000).emitWithAck('announce', { files: [fileNamed('after-restart.txt')] })).toEqual({ ok: true });
    await ana.waitForPeers((list) => list.some((peer) => peer.id === cy.id && peer.files === 1), 'Cy and its file at Ana');
    const answer = await waitFor(async () => {
      const found = await bo.socket.timeout(5_000).emitWithAck('search', { query: 'after-restart' });
      return found.ok && found.total === 1 ? found : undefined;
    }, 'Bo’s search to find Cy’s file');
    expect(answer).toMatchObject({ results: [{ holders: [{ id: cy.id }] }] });
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    // Every node was cut off alike: none cleared out another's peers on coming back.
    expect(isAnaDropped).toBe(false);
    expect(ana.latestPeers()?.map((peer) => peer.name)).toEqual(['Ana', 'Bo', 'Cy']);
  }, 30_000);

  it('clears out the peers and files of a node whose heartbeat stopped, and tells the others', async () => {
    // A node that died: its peer and file are in the store, its last beat long ago.
    const ghostStore = await RedisTrackerStore.open({ url: redis.url, keyPrefix });
    const commands = new Redis(redis.url);
    // The dead node told the others of its peer when it joined, as every node does.
    const ghostSubscriber = new Redis(redis.url);
    const ghostRelay = await startRedisPushRelay({ commands, subscriber: ghostSubscriber, keyPrefix });
    try {
      const ghost = peerNamed('Ghost', 'dead-node');
      await ghostStore.addPeer(ghost);
      await ghostStore.announce(ghost.id, [fileNamed('haunted.txt')]);
      await ghostRelay.publishDelta({ joined: (await ghostStore.peerSummary(ghost.id))! });
      const ana = await joinAt(0, 'Ana');
      await ana.waitForPeers((list) => list.some((peer) => peer.id === ghost.id), 'the ghost at Ana');
      expect(await ana.socket.timeout(5_000).emitWithAck('search', { query: 'haunted' })).toMatchObject({ total: 1 });

      await commands.zadd(`${keyPrefix}nodes`, 0, 'dead-node');
      await ana.waitForPeers((list) => list.length === 1 && list[0]!.id === ana.id, 'the ghost gone at Ana');
      await waitFor(() => ana.pushes.indexChanged >= 1, 'index-changed at Ana, whose search the ghost’s file matched');
      expect(await ana.socket.timeout(5_000).emitWithAck('search', { query: 'haunted' })).toMatchObject({ total: 0 });
      await waitFor(async () => (await commands.zscore(`${keyPrefix}nodes`, 'dead-node')) === null, 'the dead node unlisted');
    } finally {
      await ghostRelay.close();
      ghostSubscriber.disconnect();
      commands.disconnect();
      await ghostStore.close();
    }
  });

  it('disconnects the peers of a node that was taken for dead, so they join again', async () => {
    const ana = await joinAt(0, 'Ana');
    const bo = await joinAt(1, 'Bo');
    await ana.waitForPeers((list) => list.length === 2, 'Bo at Ana');
    const dropped = new Promise<string>((resolve) => bo.socket.once('disconnect', resolve));
    const commands = new Redis(redis.url);
    try {
      // As if the others had swept node 1 while it was paused: its next beat finds itself unlisted.
      await commands.zrem(`${keyPrefix}nodes`, trackers[1]!.nodeId);
      expect(await dropped).toBe('io server disconnect');
      await ana.waitForPeers((list) => list.length === 1, 'Bo gone at Ana');
      const boAgain = await joinAt(1, 'Bo', { identity: bo.identity });
      await ana.waitForPeers((list) => list.some((peer) => peer.id === boAgain.id), 'Bo back at Ana');
    } finally {
      commands.disconnect();
    }
  });
});
