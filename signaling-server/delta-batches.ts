/**
 * Peer-list changes reach a node's joined sockets at most once per window. The first change after a
 * quiet spell goes out at once, alone (`peers-delta`), so a lone join is seen without delay; the
 * changes that follow within the window wait for its end and go out together, in order, as one
 * `peers-deltas` push. Under a burst of joins or leaves (a ramp, a mass reconnect after a network
 * blip) each peer thus gets a couple of pushes a second instead of one per change, and the tracker
 * writes that many frames per socket: the cost per peer no longer grows with the join rate.
 */
import type { PeersDeltaPush } from '../shared/protocol';

export interface DeltaSink {
  /** One change, to every joined socket of this node except those in `exceptRoom`. */
  single(push: PeersDeltaPush, exceptRoom?: string): void;
  /** Several changes in order, to every joined socket of this node. */
  batch(pushes: PeersDeltaPush[]): void;
}

export interface DeltaBatches {
  add(push: PeersDeltaPush, exceptRoom?: string): void;
  /** Drops what waits (the tracker is closing). */
  close(): void;
}

export function createDeltaBatches(sink: DeltaSink, windowMs: number): DeltaBatches {
  let waiting: { push: PeersDeltaPush; exceptRoom?: string }[] = [];
  let window: ReturnType<typeof setTimeout> | undefined;

  function openWindow(): void {
    window = setTimeout(flush, windowMs);
    window.unref?.();
  }

  function flush(): void {
    window = undefined;
    const due = waiting;
    waiting = [];
    if (due.length === 0) return;
    // A lone change keeps its exception (the joiner, whose snapshot already lists itself); in a
    // batch the joiner gets its own join too, which a replica applies as a no-op (deltas are absolute).
    if (due.length === 1) sink.single(due[0]!.push, due[0]!.exceptRoom);
    else sink.batch(due.map((each) => each.push));
    openWindow();
  }

  return {
    add(push, exceptRoom) {
      if (window !== undefined) {
        waiting.push(exceptRoom === undefined ? { push } : { push, exceptRoom });
        return;
      }
      sink.single(push, exceptRoom);
      openWindow();
    },
    close() {
      if (window !== undefined) clearTimeout(window);
      window = undefined;
      waiting = [];
    },
  };
}
