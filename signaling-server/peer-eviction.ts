/**
 * Removes online peers on the operator's word (a revoked name, a banned key): each hears why in a
 * `removed` push, is disconnected at once, and leaves with its files like any departing peer.
 */
import type { ErrorBody, PeerSummary } from '../shared/protocol';
import type { PeerBroadcasts } from './peer-broadcasts';
import { peerRoom } from './socket-types';
import type { TrackerLog, TrackerServer } from './socket-types';
import { nameKey } from './store/peer-names';
import type { TrackerStore } from './store/tracker-store';

export interface PeerEviction {
  /** Removes the online peer using this name, if any; returns how many peers went (0 or 1). */
  evictByName(name: string, reason: ErrorBody): Promise<number>;
  /** Removes every online peer whose key has this fingerprint; returns how many went. */
  evictByFingerprint(fingerprint: string, reason: ErrorBody): Promise<number>;
}

export function createPeerEviction(io: TrackerServer, store: TrackerStore, broadcasts: PeerBroadcasts, log: TrackerLog): PeerEviction {
  async function evict(peers: PeerSummary[], reason: ErrorBody): Promise<number> {
    const changedNames: string[] = [];
    for (const peer of peers) {
      // The push goes out before the disconnect on the same connection, so the peer reads it first.
      io.to(peerRoom(peer.id)).emit('removed', { error: reason });
      io.in(peerRoom(peer.id)).disconnectSockets(true);
      // The disconnect handler may already have removed it and pushed the leave; a second one changes nothing.
      const removed = await store.removePeer(peer.id);
      log.info(`Peer '${peer.name}' removed by the operator (${reason.code})`);
      if (removed !== undefined) changedNames.push(...removed.fileNames);
      await broadcasts.peerLeft(peer.id);
    }
    broadcasts.announceIndexChanged(changedNames);
    return peers.length;
  }

  return {
    async evictByName(name, reason) {
      const key = nameKey(name);
      return evict((await store.listPeers()).filter((peer) => nameKey(peer.name) === key), reason);
    },
    async evictByFingerprint(fingerprint, reason) {
      return evict((await store.listPeers()).filter((peer) => peer.fingerprint === fingerprint), reason);
    },
  };
}
