/**
 * A peer's life on the tracker: asking for a challenge, joining under a name its key owns, and
 * leaving with its files.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ShoalError, challengeRequestSchema, joinRequestSchema } from '../shared/protocol';
import type { IceServerIssuer } from './ice-servers';
import { admitJoin, assertStillAdmitted } from './peer-admission';
import type { AdmissionPolicy } from './peer-admission';
import type { PeerBroadcasts } from './peer-broadcasts';
import type { RequestRouter } from './socket-requests';
import { JOINED_ROOM, peerRoom } from './socket-types';
import type { TrackerLog, TrackerSocket } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

/** 24 random bytes: a nonce nobody can guess or have seen signed before. */
const NONCE_BYTES = 24;

export interface JoinDependencies extends AdmissionPolicy {
  store: TrackerStore;
  broadcasts: PeerBroadcasts;
  iceServers: IceServerIssuer;
  /** This tracker process, recorded on the peer record. */
  nodeId: string;
}

function refuseIfJoined(socket: TrackerSocket): void {
  const joined = socket.data.peer;
  if (joined !== undefined) throw new ShoalError('BAD_REQUEST', `This connection already joined as '${joined.name}'`);
}

/** Hands out a fresh nonce for the next join to sign; a new challenge replaces the previous one. */
export function handleChallenge(router: RequestRouter): void {
  router.on('challenge', challengeRequestSchema, async (_request, { socket }) => {
    refuseIfJoined(socket);
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    socket.data.challengeNonce = nonce;
    return { ok: true, nonce };
  });
}

export function handleJoin(router: RequestRouter, dependencies: JoinDependencies, log: TrackerLog): void {
  const { store, broadcasts } = dependencies;
  // Every join attempt that gets past the rate limit uses up the nonce, even one that fails to
  // parse, so a nonce can be tried at most once.
  const takeNonce = (socket: TrackerSocket): void => {
    socket.data.arrivingJoinNonce = socket.data.challengeNonce;
    socket.data.challengeNonce = undefined;
  };

  router.on(
    'join',
    joinRequestSchema,
    async (request, { socket, afterReply }) => {
      // Read before the first await: the next arriving join would overwrite it.
      const nonce = socket.data.arrivingJoinNonce;
      socket.data.arrivingJoinNonce = undefined;
      refuseIfJoined(socket);
      if (socket.data.isJoining === true) throw new ShoalError('BAD_REQUEST', 'This connection is already joining');
      socket.data.isJoining = true;
      try {
        const key = await admitJoin(request, nonce, dependencies);
        const peer = { id: randomUUID(), name: request.name, ...key, joinedAtMs: Date.now(), nodeId: dependencies.nodeId };
        await store.addPeer(peer);
        try {
          if (socket.disconnected) throw new ShoalError('CANCELLED', 'The connection closed while joining');
          await assertStillAdmitted(peer.name, key, dependencies.registrations);
        } catch (error) {
          // Give the name back: nobody is left to use it, or nobody may. A snapshot sent meanwhile
          // may have listed the peer, so its holders hear it left.
          await store.removePeer(peer.id);
          void broadcasts
            .peerLeft(peer.id)
            .catch((pushError: unknown) => log.error(`Could not tell peers that '${peer.name}' left`, pushError));
          throw error;
        }
        // Set before the next await, so a disconnect from here on finds the peer and removes it.
        socket.data.peer = { id: peer.id, name: peer.name, publicKey: key.publicKey, fingerprint: key.fingerprint };
        await socket.join([peerRoom(peer.id), JOINED_ROOM]);
        log.info(`Peer '${peer.name}' joined (${peer.id}, key ${key.fingerprint})`);
        afterReply(() => broadcasts.peerJoined(socket, peer.id));
        // Without configured ICE servers (peers on one network) the ack carries none; peers read that as [].
        const grant = dependencies.iceServers.grantFor(peer.id);
        const ice = grant.iceServers.length > 0 ? grant : {};
        return { ok: true, peer: { id: peer.id, name: peer.name, fingerprint: key.fingerprint }, ...ice };
      } finally {
        socket.data.isJoining = false;
      }
    },
    { onArrival: takeNonce },
  );
}

/**
 * Removes the peer and its files once its connection is gone: closed, crashed or silent past the
 * heartbeat. Returns the disconnect listener, one function for every socket (it reads its socket
 * from `this`, as Node's EventEmitter calls it).
 */
export function leaveOnDisconnect(store: TrackerStore, broadcasts: PeerBroadcasts, log: TrackerLog): (this: TrackerSocket, reason: string) => void {
  return function removeDisconnectedPeer(this: TrackerSocket, reason: string): void {
    const peer = this.data.peer;
    if (peer === undefined) return;
    this.data.peer = undefined;
    void removeDeadPeer(peer.id, reason).catch((error: unknown) =>
      log.error(`Could not remove peer '${peer.name}' (${peer.id})`, error),
    );
  };

  async function removeDeadPeer(peerId: string, reason: string): Promise<void> {
    const removed = await store.removePeer(peerId);
    if (removed === undefined) return;
    log.info(`Peer '${removed.peer.name}' left (${reason}); ${removed.fileCount} file(s) withdrawn`);
    await broadcasts.peerLeft(peerId);
    broadcasts.announceIndexChanged(removed.fileNames);
  }
}
