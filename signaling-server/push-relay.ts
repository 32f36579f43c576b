/**
 * How a tracker node's pushes reach the joined peers of every node. One node: straight to its own
 * sockets, numbered by a counter. Several nodes on Redis (cluster/redis-push-relay.ts): each change
 * is numbered network-wide and published in one atomic step, and every node delivers it to its own
 * sockets in that order, so every peer sees one sequence whatever node it is connected to.
 */
import type { PeerSummary, PeersDeltaPush } from '../shared/protocol';

/** A peer-list change before it is numbered: a delta push without its `seq`. */
export type PeerListChange = { joined: PeerSummary } | { left: string } | { files: { id: string; count: number } };

/** What a node does with what the relay brings it: hand it to its own sockets. */
export interface PushDelivery {
  /** A numbered change, for every joined socket of this node but those in `exceptRoom`. */
  delta(push: PeersDeltaPush, exceptRoom: string | undefined): void;
  /** File names changed somewhere; `'all'` when too many changed to check one by one. */
  indexChanged(names: readonly string[] | 'all'): void;
  /** Some changes may not have arrived (Redis reconnected, a number was skipped): resend the lists. */
  pushesLost(): void;
}

export interface PushRelay {
  /** Set once, by the broadcasts that own the delivery. */
  attach(delivery: PushDelivery): void;
  /** Numbers the change and delivers it on every node. Resolves once it is on its way. */
  publishDelta(change: PeerListChange, exceptRoom?: string): Promise<void>;
  /** Tells every node these names changed. */
  publishIndexChange(names: readonly string[]): Promise<void>;
  /**
   * The number of the latest change this node delivered. Every change numbered up to it is in the
   * store already (a change is published after it is made), so a snapshot read now may carry it.
   */
  readonly deliveredSeq: number;
  close(): Promise<void>;
}

/** One node alone: a counter, and delivery in the same turn as the change. */
export function createLocalPushRelay(): PushRelay {
  let delivery: PushDelivery | undefined;
  let seq = 0;
  return {
    attach(target) {
      delivery = target;
    },
    publishDelta(change, exceptRoom) {
      seq += 1;
      delivery?.delta({ seq, ...change }, exceptRoom);
      return Promise.resolve();
    },
    publishIndexChange(names) {
      delivery?.indexChanged(names);
      return Promise.resolve();
    },
    get deliveredSeq() {
      return seq;
    },
    close() {
      return Promise.resolve();
    },
  };
}
