import { describe, expect, it } from 'vitest';
import { ANNOUNCE_MAX_FILES } from '../shared/protocol';
import { seededRandom } from '../shared/test-support/seeded-random';
import { MemoryStore } from './store/memory-store';
import { fileNamed } from './test-support/fixtures';
import { useTracker } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

/** A delta names one peer; with key and fingerprint that is a few hundred bytes, never a list. */
const DELTA_MAX_BYTES = 400;

describe('the peer list pushes', () => {
  let store = new MemoryStore();
  const harness = useTracker(() => {
    store = new MemoryStore();
    return { store, peerListPageSize: 2 };
  });

  it("reads a joiner's list from the tracker's own copy, not from the store (a whole-list read and sort per join)", async () => {
    let listReads = 0;
    const listPeers = store.listPeers.bind(store);
    store.listPeers = () => {
      listReads += 1;
      return listPeers();
    };
    const peers: JoinedPeer[] = [];
    for (const name of ['Ana', 'Bo', 'Cy', 'Di', 'Ed']) peers.push(await harness.join(name));
    for (const peer of peers) await peer.waitForPeers((listed) => listed.length === 5, `all five at ${peer.name}`);
    for (const peer of peers) expect(peer.latestPeers()).toEqual(await listPeers());
    expect(listReads).toBe(0);
  });

  it('sends a joining peer the list once and the others one small delta, not the list', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await ana.waitForPeers((peers) => peers.length === 2, 'Bo at Ana');
    const [anaDeltas, boDeltas] = [ana.pushes.peerDeltas.length, bo.pushes.peerDeltas.length];

    const cy = await harness.join('cy');
    const expected = [ana.summary(0), bo.summary(0), cy.summary(0)];
    for (const peer of [ana, bo, cy]) await peer.waitForPeers((peers) => peers.length === 3, `the three at ${peer.name}`);

    for (const [peer, before] of [[ana, anaDeltas], [bo, boDeltas]] as const) {
      const deltas = peer.pushes.peerDeltas.slice(before);
      expect(deltas).toEqual([{ seq: expect.any(Number), joined: cy.summary(0) }]);
      expect(JSON.stringify(deltas[0]).length).toBeLessThan(DELTA_MAX_BYTES);
      expect(peer.pushes.peerSnapshots.every((page) => page.peers.every((listed) => listed.id !== cy.id))).toBe(true);
      expect(peer.latestPeers()).toEqual(expected);
    }
    expect(cy.latestPeers()).toEqual(expected);
    expect(await store.listPeers()).toEqual(expected);
  });

  it('tells the others of an announce of many files with one delta, and of a leave with one', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await ana.waitForPeers((peers) => peers.length === 2, 'Bo at Ana');
    const before = ana.pushes.peerDeltas.length;

    const files = Array.from({ length: ANNOUNCE_MAX_FILES }, (_, index) => fileNamed(`file-${index}.bin`));
    expect(await bo.socket.emitWithAck('announce', { files })).toEqual({ ok: true });
    await ana.waitForPeers((peers) => peers[1]?.files === ANNOUNCE_MAX_FILES, 'Bo’s file count at Ana');
    bo.socket.disconnect();
    await ana.waitForPeers((peers) => peers.length === 1, 'Bo gone at Ana');

    expect(ana.pushes.peerDeltas.slice(before)).toEqual([
      { seq: expect.any(Number), files: { id: bo.id, count: ANNOUNCE_MAX_FILES } },
      { seq: expect.any(Number), left: bo.id },
    ]);
    expect(ana.latestPeers()).toEqual([ana.summary(0)]);
  });

  it('batches a burst of joins: each peer gets a few pushes, not one per join, and its list stays the tracker’s', async () => {
    const ana = await harness.join('Ana');
    let pushesAtAna = 0;
    ana.socket.on('peers-delta', () => (pushesAtAna += 1));
    ana.socket.on('peers-deltas', () => (pushesAtAna += 1));
    const JOINERS = 20;
    const startedMs = performance.now();
    await Promise.all(Array.from({ length: JOINERS }, (_, index) => harness.join(`burst ${index}`)));
    await ana.waitForPeers((peers) => peers.length === JOINERS + 1, 'every joiner at Ana');
    const elapsedMs = performance.now() - startedMs;

    // The first change goes at once, then at most one push per window (PEER_DELTA_WINDOW_MS, 500 ms).
    expect(pushesAtAna).toBeLessThanOrEqual(2 + Math.ceil(elapsedMs / 500));
    expect(pushesAtAna).toBeLessThan(JOINERS);
    expect(ana.pushes.peerDeltas.filter((delta) => 'joined' in delta)).toHaveLength(JOINERS);
    expect(ana.latestPeers()).toEqual(await store.listPeers());
  });

  it('sends a large list in pages that together make the tracker’s list', async () => {
    const early: JoinedPeer[] = [];
    for (const name of ['peer 10', 'Peer 2', 'ana', 'Bo', 'peer 1']) early.push(await harness.join(name));
    const late = await harness.join('Zoe');
    const expected = await store.listPeers();
    await late.waitForPeers((peers) => peers.length === 6, 'the whole list at the late peer');

    const pages = late.pushes.peerSnapshots;
    expect(pages.map(({ page, pages: count }) => [page, count])).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(new Set(pages.map((page) => page.seq)).size).toBe(1);
    expect(pages.flatMap((page) => page.peers)).toEqual(expected);
    expect(late.latestPeers()).toEqual(expected);
    expect(expected.map((peer) => peer.name)).toEqual(['ana', 'Bo', 'peer 1', 'Peer 2', 'peer 10', 'Zoe']);
  });

  it('converges every remaining peer’s list on the tracker’s while 200 peers join and leave at random', async () => {
    const SEED = 20261202;
    const PEERS = 200;
    /** Operations run this many at a time, so deltas race snapshots and each other. */
    const CONCURRENCY = 8;
    const random = seededRandom(SEED);
    const online: JoinedPeer[] = [];
    let joined = 0;
    let step = 0;

    async function joinOne(): Promise<void> {
      joined += 1;
      online.push(await harness.join(`churn ${joined}`));
    }
    async function leaveOne(): Promise<void> {
      const [leaving] = online.splice(Math.floor(random() * online.length), 1);
      leaving?.socket.disconnect();
    }
    async function announceOne(): Promise<void> {
      const peer = online[Math.floor(random() * online.length)];
      if (peer === undefined) return;
      step += 1;
      // A peer that is leaving at the same moment may be refused; the list must converge either way.
      const files = [fileNamed(`step-${step}.txt`)];
      await peer.socket.timeout(5_000).emitWithAck('announce', { files }).catch(() => undefined);
    }

    const startedAt = Date.now();
    while (joined < PEERS) {
      const batch: Promise<void>[] = [];
      for (let slot = 0; slot < CONCURRENCY && joined < PEERS; slot += 1) {
        const roll = random();
        if (online.length === 0 || roll < 0.55) batch.push(joinOne());
        else if (roll < 0.85) batch.push(leaveOne());
        else batch.push(announceOne());
      }
      await Promise.all(batch);
    }
    expect(Date.now() - startedAt, 'the churn took too long').toBeLessThan(60_000);
    expect(online.length).toBeGreaterThan(10);

    const ids = new Set(online.map((peer) => peer.id));
    await waitFor(async () => {
      const listed = await store.listPeers();
      return listed.length === ids.size && listed.every((peer) => ids.has(peer.id));
    }, 'the tracker to list exactly the online peers', 15_000);
    const expected = await store.listPeers();
    const unconverged = (): string[] =>
      online.filter((peer) => JSON.stringify(peer.latestPeers()) !== JSON.stringify(expected)).map((peer) => peer.name);
    await waitFor(() => unconverged().length === 0, 'every remaining peer’s list to equal the tracker’s', 15_000).catch(() => undefined);
    expect(unconverged()).toEqual([]);
    for (const peer of online) expect(peer.latestPeers()).toEqual(expected);
  }, 120_000);
});
