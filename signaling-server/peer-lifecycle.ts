/** A peer's life on the tracker: joining under a unique display name, and leaving with its files. */
import { randomUUID } from 'node:crypto';
import { ShoalError, joinRequestSchema } from '../shared/protocol';
import type { PeerBroadcasts } from './peer-broadcasts';
import { onRequest } from './socket-requests';
import { JOINED_ROOM, peerRoom } from './socket-types';
import type { TrackerLog, TrackerSocket } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

export function handleJoin(socket: TrackerSocket, store: TrackerStore, broadcasts: PeerBroadcasts, log: TrackerLog): void {
  onRequest(socket, 'join', joinRequestSchema, log, async ({ name }, { afterReply }) => {
    const joined = socket.data.peer;
    if (joined !== undefined) throw new ShoalError('BAD_REQUEST', `This connection already joined as '${joined.name}'`);
    if (socket.data.isJoining === true) throw new ShoalError('BAD_REQUEST', 'This connection is already joining');
    socket.data.isJoining = true;
    try {
      const peer = { id: randomUUID(), name, joinedAtMs: Date.now() };
      await store.addPeer(peer);
      if (socket.disconnected) {
        // Gone while the name was being claimed: give the name back, nobody is left to answer.
        await store.removePeer(peer.id);
        throw new ShoalError('CANCELLED', 'The connection closed while joining');
      }
      // Set before the next await, so a disconnect from here on finds the peer and removes it.
      socket.data.peer = { id: peer.id, name: peer.name };
      await socket.join([peerRoom(peer.id), JOINED_ROOM]);
      log.info(`Peer '${peer.name}' joined (${peer.id})`);
      afterReply(() => broadcasts.pushPeers());
      return { ok: true, peer: { id: peer.id, name: peer.name } };
    } finally {
      socket.data.isJoining = false;
    }
  });
}

/** Removes the peer and its files once its connection is gone: closed, crashed or silent past the heartbeat. */
export function handleLeave(socket: TrackerSocket, store: TrackerStore, broadcasts: PeerBroadcasts, log: TrackerLog): void {
  socket.on('disconnect', (reason) => {
    const peer = socket.data.peer;
    if (peer === undefined) return;
    socket.data.peer = undefined;
    void removeDeadPeer(peer.id, reason).catch((error: unknown) =>
      log.error(`Could not remove peer '${peer.name}' (${peer.id})`, error),
    );
  });

  async function removeDeadPeer(peerId: string, reason: string): Promise<void> {
    const removed = await store.removePeer(peerId);
    if (removed === undefined) return;
    log.info(`Peer '${removed.peer.name}' left (${reason}); ${removed.fileCount} file(s) withdrawn`);
    await broadcasts.pushPeers();
    if (removed.fileCount > 0) broadcasts.announceIndexChanged();
  }
}
