/** Typed Socket.IO server and socket for the tracker, and the rooms it uses to reach peers. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Holder, ServerToClientEvents } from '../shared/protocol';

/** Per-connection state; Socket.IO keeps it on `socket.data`. */
export interface SocketData {
  /** Set once the connection has joined; its peer id and display name. */
  peer?: Holder;
  /** True while a join is being decided, so a second join cannot race the first. */
  isJoining?: boolean;
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
