/** Wires the tracker's request handlers onto every Socket.IO connection. Unknown events are ignored. */
import type { RateLimitPolicy } from './config';
import { handleFileIndex } from './file-index-handlers';
import { handleIceServerRenewal } from './ice-server-renewal';
import type { IceServerIssuer } from './ice-servers';
import type { PeerBroadcasts } from './peer-broadcasts';
import { handleChallenge, handleJoin, handleLeave } from './peer-lifecycle';
import { RequestLimits } from './request-limits';
import { handleSignalRelay } from './signal-relay';
import type { RequestDoor } from './socket-requests';
import type { TrackerLog, TrackerServer } from './socket-types';
import type { RegistrationStore } from './store/registration-store';
import type { TrackerStore } from './store/tracker-store';

export interface SocketHandlerOptions {
  store: TrackerStore;
  registrations: RegistrationStore;
  broadcasts: PeerBroadcasts;
  networkKey: string | undefined;
  rateLimits: RateLimitPolicy;
  /** Mints each peer's ICE servers (TURN credentials) at join and on renewal. */
  iceServers: IceServerIssuer;
  log: TrackerLog;
  /** This tracker process, recorded on every peer it admits (see PeerRecord.nodeId). */
  nodeId: string;
}

export function attachSocketHandlers(io: TrackerServer, options: SocketHandlerOptions): void {
  const { store, registrations, broadcasts, networkKey, rateLimits, iceServers, log, nodeId } = options;
  io.on('connection', (socket) => {
    // Each connection gets its own budgets, dropped with the socket.
    const door: RequestDoor = { socket, limits: new RequestLimits(rateLimits), log };
    handleChallenge(door);
    handleJoin(door, { store, broadcasts, registrations, networkKey, iceServers, nodeId });
    handleLeave(socket, store, broadcasts, log);
    handleFileIndex(door, store, broadcasts);
    handleSignalRelay(io, door, store);
    handleIceServerRenewal(door, iceServers);
  });
}
