/** Wires the tracker's request handlers onto every Socket.IO connection. Unknown events are ignored. */
import { createPeerBroadcasts } from './peer-broadcasts';
import { handleFileIndex } from './file-index-handlers';
import { handleJoin, handleLeave } from './peer-lifecycle';
import { handleSignalRelay } from './signal-relay';
import type { TrackerLog, TrackerServer } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

export function attachSocketHandlers(io: TrackerServer, store: TrackerStore, log: TrackerLog): void {
  const broadcasts = createPeerBroadcasts(io, store);
  io.on('connection', (socket) => {
    handleJoin(socket, store, broadcasts, log);
    handleLeave(socket, store, broadcasts, log);
    handleFileIndex(socket, store, broadcasts, log);
    handleSignalRelay(io, socket, store, log);
  });
}
