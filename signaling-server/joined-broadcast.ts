/**
 * Pushes to every joined socket of this node, a slice of sockets per turn of the event loop.
 * Writing one frame costs about 10 µs of CPU per socket (the WebSocket write system call), so one
 * push to 10,000 peers held the loop ~100 ms in one go, and every signal relayed meanwhile waited
 * that long. In slices of a few hundred, other requests run between slices.
 *
 * Pushes go out one after another: the next starts once every slice of the previous one went, so
 * each socket still receives them in order. A socket that joins while a push is going out may miss
 * it, which is harmless: the snapshot it receives next was read after that change.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ServerToClientEvents } from '../shared/protocol';
import { JOINED_ROOM } from './socket-types';
import type { TrackerServer } from './socket-types';

/** Sockets written per turn: about 2-3 ms of writes on a quiet core. */
export const JOINED_BROADCAST_SLICE = 256;

type PushEvent = 'peers-delta' | 'peers-deltas';

export interface JoinedBroadcast {
  /** Emits to every joined socket of this node except those in `exceptRoom`; resolves once all slices went. */
  emit<E extends PushEvent>(event: E, push: Parameters<ServerToClientEvents[E]>[0], exceptRoom?: string): Promise<void>;
  /** Stops the slices still to go (the tracker is closing). */
  close(): void;
}

export function createJoinedBroadcast(io: TrackerServer, sliceSize = JOINED_BROADCAST_SLICE): JoinedBroadcast {
  const rooms = io.of('/').adapter.rooms;
  let tail: Promise<void> = Promise.resolve();
  let isClosed = false;

  async function emitInSlices<E extends PushEvent>(event: E, push: Parameters<ServerToClientEvents[E]>[0], exceptRoom?: string): Promise<void> {
    // Each socket is in the room named by its id, so a slice of ids is a list of rooms.
    const members = [...(rooms.get(JOINED_ROOM) ?? [])];
    const excluded = exceptRoom === undefined ? undefined : rooms.get(exceptRoom);
    for (let start = 0; start < members.length && !isClosed; start += sliceSize) {
      if (start > 0) await nextTurn();
      const slice = members.slice(start, start + sliceSize).filter((id) => excluded?.has(id) !== true);
      // Typed per event at the call: the emitter's overloads cannot take the generic pair.
      if (slice.length > 0) (io.local.to(slice).emit as (event: PushEvent, push: unknown) => boolean)(event, push);
    }
  }

  return {
    emit(event, push, exceptRoom) {
      const run = tail.then(() => emitInSlices(event, push, exceptRoom));
      tail = run.catch(() => undefined);
      return run;
    },
    close() {
      isClosed = true;
    },
  };
}
