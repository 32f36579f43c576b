/**
 * Wires the tracker's request handlers onto every Socket.IO connection. Unknown events are ignored.
 * The handlers are registered once; a connection adds only its catch-all and disconnect listeners,
 * both shared functions, so an idle peer holds no closures of its own.
 */
import type { RateLimitPolicy } from './config';
import { handleFileIndex } from './file-index-handlers';
import { handleIceServerRenewal } from './ice-server-renewal';
import type { IceServerIssuer } from './ice-servers';
import type { PeerBroadcasts } from './peer-broadcasts';
import { handleChallenge, handleJoin, leaveOnDisconnect } from './peer-lifecycle';
import { handleSignalRelay } from './signal-relay';
import { RequestRouter } from './socket-requests';
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

/** Returns the router, so observers (metrics) can watch its answers. */
export function attachSocketHandlers(io: TrackerServer, options: SocketHandlerOptions): RequestRouter {
  const { store, registrations, broadcasts, networkKey, rateLimits, iceServers, log, nodeId } = options;
  const router = new RequestRouter(rateLimits, log);
  handleChallenge(router);
  handleJoin(router, { store, broadcasts, registrations, networkKey, iceServers, nodeId }, log);
  handleFileIndex(router, store, broadcasts);
  handleSignalRelay(io, router, store);
  handleIceServerRenewal(router, iceServers);
  const leave = leaveOnDisconnect(store, broadcasts, log);
  io.on('connection', (socket) => {
    router.attach(socket);
    socket.on('disconnect', leave);
  });
  return router;
}
