/** The pushes every joined peer receives: the online peer list and "the file index changed". */
import type { TrackerStore } from './store/tracker-store';
import { JOINED_ROOM } from './socket-types';
import type { TrackerServer } from './socket-types';

export interface PeerBroadcasts {
  /** Sends the full peer list. Resolves once a list read after this call has gone out. */
  pushPeers(): Promise<void>;
  /** Tells peers to refresh their searches. */
  announceIndexChanged(): void;
}

export function createPeerBroadcasts(io: TrackerServer, store: TrackerStore): PeerBroadcasts {
  // Pushes run one at a time and a request during a push triggers one more, so lists go out in
  // the order they were read and the last one always reflects the latest change.
  let running: Promise<void> | undefined;
  let isDirty = false;

  async function drain(): Promise<void> {
    while (isDirty) {
      isDirty = false;
      const peers = await store.listPeers();
      io.to(JOINED_ROOM).emit('peers', { peers });
    }
  }

  return {
    pushPeers() {
      isDirty = true;
      running ??= drain().finally(() => {
        running = undefined;
      });
      return running;
    },
    announceIndexChanged() {
      io.to(JOINED_ROOM).emit('index-changed');
    },
  };
}
