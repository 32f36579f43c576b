/**
 * Tells peers that their search results may have changed, without a storm: the tracker keeps each
 * joined connection's live query (the words of its latest search) and, when files are added or
 * removed, pushes 'index-changed' only to connections whose query matches a changed name, at most
 * once per interval each. A peer that never searched hears nothing; it has no results to refresh.
 *
 * Cost per change: live queries × changed names substring checks (search.ts's rule), bounded by
 * treating a change of more than `maxNamesChecked` names as matching every live query. Live queries
 * are kept in the node holding the connection; with several nodes a PushRelay brings each node the
 * changed names (push-relay.ts).
 */
import { INDEX_CHANGED_MAX_NAMES_CHECKED, INDEX_CHANGED_MIN_INTERVAL_MS } from './config';
import { nameMatches, queryWords } from './search';
import type { TrackerSocket } from './socket-types';

export interface IndexChangePushes {
  /** Remembers the words of this connection's latest search; forgotten when the connection closes. */
  searched(socket: TrackerSocket, query: string): void;
  /**
   * Files under these names were added, removed or changed holders: tells each connection whose
   * live query matches one of them, now or at the end of its quiet period.
   */
  namesChanged(names: readonly string[]): void;
  /** Too many names changed to check (elsewhere in the network): tells every connection with a live query. */
  everythingChanged(): void;
  /** Drops pending pushes (the tracker is closing). */
  close(): void;
}

export interface IndexChangePushTuning {
  minIntervalMs?: number;
  maxNamesChecked?: number;
}

interface LiveQuery {
  socket: TrackerSocket;
  words: string[];
  lastPushAtMs: number;
  /** Set while a push waits for the quiet period to end; later changes ride along with it. */
  pending: ReturnType<typeof setTimeout> | undefined;
}

export function createIndexChangePushes(tuning: IndexChangePushTuning = {}): IndexChangePushes {
  const minIntervalMs = tuning.minIntervalMs ?? INDEX_CHANGED_MIN_INTERVAL_MS;
  const maxNamesChecked = tuning.maxNamesChecked ?? INDEX_CHANGED_MAX_NAMES_CHECKED;
  /** socket id -> its live query. */
  const liveQueries = new Map<string, LiveQuery>();

  function push(live: LiveQuery): void {
    live.pending = undefined;
    live.lastPushAtMs = Date.now();
    live.socket.emit('index-changed');
  }

  function schedule(live: LiveQuery): void {
    if (live.pending !== undefined) return;
    const waitMs = live.lastPushAtMs + minIntervalMs - Date.now();
    if (waitMs <= 0) {
      push(live);
      return;
    }
    live.pending = setTimeout(() => push(live), waitMs);
  }

  function forget(socketId: string): void {
    const live = liveQueries.get(socketId);
    if (live === undefined) return;
    clearTimeout(live.pending);
    liveQueries.delete(socketId);
  }

  return {
    searched(socket, query) {
      const words = queryWords(query);
      const live = liveQueries.get(socket.id);
      if (live !== undefined) {
        live.words = words;
        return;
      }
      if (socket.disconnected) return;
      liveQueries.set(socket.id, { socket, words, lastPushAtMs: Number.NEGATIVE_INFINITY, pending: undefined });
      socket.once('disconnect', () => forget(socket.id));
    },
    namesChanged(names) {
      if (names.length === 0) return;
      const isTooManyToCheck = names.length > maxNamesChecked;
      for (const live of liveQueries.values()) {
        if (live.pending !== undefined) continue;
        if (isTooManyToCheck || names.some((name) => nameMatches(name, live.words))) schedule(live);
      }
    },
    everythingChanged() {
      for (const live of liveQueries.values()) schedule(live);
    },
    close() {
      for (const socketId of [...liveQueries.keys()]) forget(socketId);
    },
  };
}
