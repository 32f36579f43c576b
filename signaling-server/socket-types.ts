/** Typed Socket.IO server and socket for the tracker, and the rooms it uses to reach peers. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Holder, ServerToClientEvents } from '../shared/protocol';

/** A joined peer as the tracker knows it: id, display name, and the key it proved at join. */
export interface JoinedIdentity extends Holder {
  /** base64 raw P-256 public key, verified by the join signature. */
  publicKey: string;
  /** keyFingerprint(publicKey), for people to compare. */
  fingerprint: string;
}

/** Per-connection state; Socket.IO keeps it on `socket.data`. */
export interface SocketData {
  /** Set once the connection has joined. */
  peer?: JoinedIdentity;
  /** True while a join is being decided, so a second join cannot race the first. */
  isJoining?: boolean;
  /** The nonce from the latest `challenge`, until a join attempt takes it: each is good for one try. */
  challengeNonce?: string;
  /** The nonce the join attempt now arriving took; its handler reads it before anything else. */
  arrivingJoinNonce?: string;
}

/** Tracker nodes do not message each other directly (a Redis adapter relays rooms for them). */
type InterServerEvents = Record<never, never>;

export type TrackerServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TrackerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Every joined connection; broadcasts go here so connections that never joined hear nothing. */
export const JOINED_ROOM = 'joined';

/** A peer's own room: emitting to it reaches the peer from whichever node holds its socket. */
export function peerRoom(peerId: string): string {
  return `peer:${peerId}`;
}

/** Where the socket layer reports what a person running the tracker may want to see. */
export interface TrackerLog {
  info(message: string): void;
  error(message: string, error: unknown): void;
}
