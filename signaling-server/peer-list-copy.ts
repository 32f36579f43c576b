/**
 * A tracker node's own copy of the network's peer list, in the one order every replica keeps
 * (comparePeers), kept up to date from the changes the relay delivers to this node. A joiner's
 * snapshot is read from it: no read of the whole list from the store and no sort per join, which
 * at 10,000 peers cost tens of milliseconds each (and on Redis a 10,000-entry reply and its
 * parsing), so a ramp of joins backed the node's push queue up by minutes.
 *
 * Changes are absolute (a peer's state, or its leaving), so applying one the loaded list already
 * reflects is harmless: while a load from the store is being read, delivered changes wait and are
 * applied over it once it is in.
 */
import { comparePeers } from '../shared/protocol/peer-order';
import type { PeerSummary, PeersDeltaPush } from '../shared/protocol';

export class PeerListCopy {
  private readonly byId = new Map<string, PeerSummary>();
  private readonly sorted: PeerSummary[] = [];
  /** Changes delivered while a load is being read; undefined once loaded. */
  private waiting: PeersDeltaPush[] | undefined = [];

  get isLoaded(): boolean {
    return this.waiting === undefined;
  }

  /** The list in order. Read-only: the copy changes it in place. */
  list(): readonly PeerSummary[] {
    return this.sorted;
  }

  /** The list with `peer` in it (added or replaced), as a new array: a joiner's snapshot before its own change arrives. */
  listWith(peer: PeerSummary): PeerSummary[] {
    const list = this.sorted.filter((listed) => listed.id !== peer.id);
    list.splice(this.positionOf(peer, list), 0, peer);
    return list;
  }

  /** From now until `load`, delivered changes wait (a reload after lost changes). */
  beginLoad(): void {
    this.waiting ??= [];
  }

  /** Replaces the list with one read from the store, then applies the changes delivered meanwhile. */
  load(peers: readonly PeerSummary[]): void {
    this.byId.clear();
    this.sorted.length = 0;
    for (const peer of peers) this.byId.set(peer.id, peer);
    this.sorted.push(...this.byId.values());
    this.sorted.sort(comparePeers);
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const change of waiting) this.apply(change);
  }

  apply(change: PeersDeltaPush): void {
    if (this.waiting !== undefined) {
      this.waiting.push(change);
      return;
    }
    if ('joined' in change) this.put(change.joined);
    else if ('left' in change) this.remove(change.left);
    else {
      const peer = this.byId.get(change.files.id);
      if (peer !== undefined) this.put({ ...peer, files: change.files.count });
    }
  }

  private put(peer: PeerSummary): void {
    this.remove(peer.id);
    this.byId.set(peer.id, peer);
    this.sorted.splice(this.positionOf(peer, this.sorted), 0, peer);
  }

  private remove(id: string): void {
    const peer = this.byId.get(id);
    if (peer === undefined) return;
    this.byId.delete(id);
    this.sorted.splice(this.positionOf(peer, this.sorted), 1);
  }

  /** Where `peer` is or would go in `list`: the first entry not before it (binary search). */
  private positionOf(peer: PeerSummary, list: readonly PeerSummary[]): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePeers(list[middle]!, peer) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
