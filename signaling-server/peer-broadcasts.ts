/**
 * The pushes joined peers receive: the peer list (once per join, paged) and then only its changes,
 * and "the file index changed" (only to peers whose live search it touches; see
 * index-change-pushes.ts). A change costs one small push per peer, not the whole list.
 */
import type { PeersDeltaPush, PeerSummary } from '../shared/protocol';
import { PEER_LIST_PAGE_SIZE } from './config';
import { createIndexChangePushes } from './index-change-pushes';
import type { IndexChangePushTuning } from './index-change-pushes';
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

type ChangeKind = 'joined' | 'left' | 'files';

export function createPeerBroadcasts(
  io: TrackerServer,
  store: TrackerStore,
  pageSize = PEER_LIST_PAGE_SIZE,
  indexChangeTuning: IndexChangePushTuning = {},
): PeerBroadcasts {
  const indexChanges = createIndexChangePushes(indexChangeTuning);
  // Invariant: every push is made by one task of this queue, one task at a time, and each reads
  // the store after the change it reports. A delta carries the peer's state as read (absolute, so
  // applying it twice is harmless) under the next `seq`; a snapshot carries the `seq` of the last
  // delta sent before it and is emitted page after page with no await between, after the socket
  // joined the room. So a peer skips the deltas numbered at or below its snapshot (their changes
  // are in it, or a later delta repeats them), and every later delta reaches it after the last
  // page, in order (Socket.IO keeps order per connection). A change read into a snapshot whose
  // delta comes after it only repeats a state the snapshot already holds.
  // `seq` counts per process: fine for one tracker node; several nodes would need a shared counter.
  let seq = 0;
  let tail: Promise<void> = Promise.resolve();

  function enqueue(task: () => Promise<void>): Promise<void> {
    const run = tail.then(task);
    // One failed read must not stop later pushes; the caller of that task still hears the error.
    tail = run.catch(() => undefined);
    return run;
  }

  function deltaOf(kind: ChangeKind, peerId: string, summary: PeerSummary | undefined): PeersDeltaPush {
    seq += 1;
    if (summary === undefined) return { seq, left: peerId };
    if (kind === 'files') return { seq, files: { id: peerId, count: summary.files } };
    return { seq, joined: summary };
  }

  function pushChange(kind: ChangeKind, peerId: string, except?: string): Promise<void> {
    return enqueue(async () => {
      const summary = await store.peerSummary(peerId);
      const delta = deltaOf(kind, peerId, summary);
      const room = io.to(JOINED_ROOM);
      (except === undefined ? room : room.except(except)).emit('peers-delta', delta);
    });
  }

  return {
    async peerJoined(socket, peerId) {
      await enqueue(async () => {
        const peers = await store.listPeers();
        const pages = Math.max(1, Math.ceil(peers.length / pageSize));
        for (let page = 0; page < pages; page += 1) {
          socket.emit('peers-snapshot', { seq, page, pages, peers: peers.slice(page * pageSize, (page + 1) * pageSize) });
        }
      });
      await pushChange('joined', peerId, peerRoom(peerId));
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
      indexChanges.namesChanged(changedNames);
    },
    close() {
      indexChanges.close();
    },
  };
}
