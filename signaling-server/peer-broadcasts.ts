/**
 * The pushes joined peers receive: the peer list (once per join, paged) and then only its changes,
 * and "the file index changed" (only to peers whose live search it touches; see
 * index-change-pushes.ts). A change costs one small push per peer, not the whole list. With several
 * tracker nodes, a PushRelay carries changes between them (push-relay.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PeerSummary, PeersSnapshotPush } from '../shared/protocol';
import { PEER_DELTA_WINDOW_MS, PEER_LIST_PAGE_SIZE } from './config';
import { createDeltaBatches } from './delta-batches';
import { PeerListCopy } from './peer-list-copy';
import { createIndexChangePushes } from './index-change-pushes';
import { createJoinedBroadcast } from './joined-broadcast';
import type { IndexChangePushTuning } from './index-change-pushes';
import { createLocalPushRelay } from './push-relay';
import type { PeerListChange, PushRelay } from './push-relay';
import type { TrackerStore } from './store/tracker-store';
import { JOINED_ROOM, peerRoom } from './socket-types';
import type { TrackerServer, TrackerSocket } from './socket-types';

export interface PeerBroadcasts {
  /**
   * Sends the peer that just joined (already in the joined room) the list in pages, and tells
   * everyone else it joined. Resolves once both went out.
   */
  peerJoined(socket: TrackerSocket, peerId: string): Promise<void>;
  /** Tells every joined peer this peer left. */
  peerLeft(peerId: string): Promise<void>;
  /** Tells every joined peer how many files this peer now shares (one push per announce or withdraw). */
  filesChanged(peerId: string): Promise<void>;
  /** Remembers the connection's latest search, so index changes that touch it reach it. */
  searched(socket: TrackerSocket, query: string): void;
  /** Files under these names were added, removed or changed holders: peers searching for them refresh. */
  announceIndexChanged(changedNames: readonly string[]): void;
  /** Drops pushes still waiting (the tracker is closing). */
  close(): void;
}

/** The changes pushed through pushChange; a join goes with its joiner's snapshot (peerJoined). */
type ChangeKind = 'left' | 'files';

export function createPeerBroadcasts(
  io: TrackerServer,
  store: TrackerStore,
  pageSize = PEER_LIST_PAGE_SIZE,
  indexChangeTuning: IndexChangePushTuning = {},
  relay: PushRelay = createLocalPushRelay(),
  deltaWindowMs = PEER_DELTA_WINDOW_MS,
): PeerBroadcasts {
  const indexChanges = createIndexChangePushes(indexChangeTuning);
  // Only this node's sockets (the relay brings each change to every other node itself), a slice
  // of sockets per turn of the event loop so a push to thousands does not stall every request.
  const joined = createJoinedBroadcast(io);
  const copy = new PeerListCopy();
  const deltas = createDeltaBatches(
    {
      single(push, exceptRoom) {
        joined.emit('peers-delta', push, exceptRoom).catch(() => undefined);
      },
      batch(pushes) {
        joined.emit('peers-deltas', { deltas: pushes }).catch(() => undefined);
      },
    },
    deltaWindowMs,
  );
  // Invariant: this node makes its pushes one task of this queue at a time, and each reads the
  // store after the change it reports. A delta carries the peer's state as read (absolute, so
  // applying it twice is harmless) under the next network-wide `seq`; the deltas about one peer come
  // from the node holding its socket, in the order they were read. A snapshot is this node's copy
  // of the list (peer-list-copy.ts), which holds every change delivered so far, under the `seq` of
  // the last delta delivered, taken after the socket joined the room. So a peer skips the deltas
  // numbered at or below its snapshot, and gets every later one (before the snapshot, between its
  // pages or after; PeerListReplica holds them until the snapshot is whole).
  let tail: Promise<void> = Promise.resolve();

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    // One failed read must not stop later pushes; the caller of that task still hears the error.
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  function changeOf(kind: ChangeKind, peerId: string, summary: PeerSummary | undefined): PeerListChange {
    if (summary === undefined) return { left: peerId };
    if (kind === 'files') return { files: { id: peerId, count: summary.files } };
    return { joined: summary }; // a leave read after the peer came back: its state, as it is now
  }

  function pushChange(kind: ChangeKind, peerId: string): Promise<void> {
    return enqueue(async () => {
      const summary = await store.peerSummary(peerId);
      await relay.publishDelta(changeOf(kind, peerId, summary));
    });
  }

  /** The list in pages, under the `seq` of the last delta delivered: the copy holds every change up to it. */
  function snapshotPages(peers: readonly PeerSummary[]): PeersSnapshotPush[] {
    const seq = relay.deliveredSeq;
    const pages = Math.max(1, Math.ceil(peers.length / pageSize));
    return Array.from({ length: pages }, (_, page) => ({ seq, page, pages, peers: peers.slice(page * pageSize, (page + 1) * pageSize) }));
  }

  /**
   * A joiner's pages, one per turn of the event loop: encoding 10,000 peers in one go held the loop
   * for tens of milliseconds, and every signal relayed meanwhile waited. Changes delivered between
   * pages are newer than the snapshot, and the joiner's replica holds them until it is whole.
   */
  async function sendPagesInTurns(pages: readonly PeersSnapshotPush[], socket: TrackerSocket): Promise<void> {
    for (const [index, page] of pages.entries()) {
      if (index > 0) await nextTurn();
      if (socket.disconnected) return;
      socket.emit('peers-snapshot', page);
    }
  }

  /** In a queue task: loads the copy from the store unless it is loaded; changes delivered meanwhile apply over it. */
  async function ensureCopyLoaded(): Promise<void> {
    if (!copy.isLoaded) copy.load(await store.listPeers());
  }
  // The network may have peers already (other nodes on Redis): read them once, before any snapshot.
  void enqueue(ensureCopyLoaded).catch(() => undefined);

  relay.attach({
    delta(push, exceptRoom) {
      copy.apply(push);
      deltas.add(push, exceptRoom);
    },
    indexChanged(names) {
      if (names === 'all') indexChanges.everythingChanged();
      else indexChanges.namesChanged(names);
    },
    pushesLost() {
      // This node missed changes too: a fresh copy, then a fresh list for every joined socket of
      // this node; their replicas replace theirs with it.
      copy.beginLoad();
      void enqueue(async () => {
        await ensureCopyLoaded();
        // In one go to every socket: rare (only after lost changes), and replicas that predate
        // holding changes between a snapshot's pages take none between these.
        for (const page of snapshotPages(copy.list())) io.local.to(JOINED_ROOM).emit('peers-snapshot', page);
      }).catch(() => undefined);
    },
  });

  return {
    peerJoined(socket, peerId) {
      const pages = enqueue(async () => {
        await ensureCopyLoaded();
        const summary = await store.peerSummary(peerId);
        if (summary === undefined) return []; // it left already; its leave is on its way
        // The copy has every change delivered so far; the joiner's own is not delivered yet.
        const list = snapshotPages(copy.listWith(summary));
        await relay.publishDelta({ joined: summary }, peerRoom(peerId));
        return list;
      });
      return pages.then((list) => sendPagesInTurns(list, socket));
    },
    peerLeft(peerId) {
      return pushChange('left', peerId);
    },
    filesChanged(peerId) {
      return pushChange('files', peerId);
    },
    searched(socket, query) {
      indexChanges.searched(socket, query);
    },
    announceIndexChanged(changedNames) {
      if (changedNames.length === 0) return;
      // Names reach every node's live queries; a relay that fails loses a refresh hint, nothing more.
      void relay.publishIndexChange(changedNames).catch(() => undefined);
    },
    close() {
      deltas.close();
      joined.close();
      indexChanges.close();
    },
  };
}
