/**
 * A peer's copy of the tracker's peer list, built from one paged snapshot and then the deltas
 * that follow it, so it converges on the tracker's list without the tracker resending it.
 */
import { comparePeers } from '../protocol/peer-order';
import type { PeerSummary, PeersDeltaPush, PeersSnapshotPush } from '../protocol/tracker-messages';

export class PeerListReplica {
  private readonly peers = new Map<string, PeerSummary>();
  /** The change the list reflects; undefined until a whole snapshot has arrived. */
  private seq: number | undefined;
  /** Pages of the snapshot now arriving, and the deltas that came while it was incomplete. */
  private arriving: { seq: number; pages: (PeerSummary[] | undefined)[] } | undefined;
  private waitingDeltas: PeersDeltaPush[] = [];
  private sorted: PeerSummary[] | undefined;

  get isComplete(): boolean {
    return this.seq !== undefined;
  }

  /** The list in the tracker's order (by name, case-insensitive, then id). */
  list(): PeerSummary[] {
    this.sorted ??= [...this.peers.values()].sort(comparePeers);
    return this.sorted;
  }

  /** Forgets everything, for a new connection: the next join brings a new snapshot. */
  reset(): void {
    this.peers.clear();
    this.seq = undefined;
    this.arriving = undefined;
    this.waitingDeltas = [];
    this.sorted = undefined;
  }

  /** Takes one snapshot page; true when it completed the snapshot (the list changed). */
  applySnapshotPage(push: PeersSnapshotPush): boolean {
    if (this.arriving === undefined || this.arriving.seq !== push.seq || this.arriving.pages.length !== push.pages) {
      this.arriving = { seq: push.seq, pages: new Array<PeerSummary[] | undefined>(push.pages).fill(undefined) };
    }
    this.arriving.pages[push.page] = push.peers;
    if (this.arriving.pages.some((page) => page === undefined)) return false;
    this.peers.clear();
    for (const page of this.arriving.pages) for (const peer of page ?? []) this.peers.set(peer.id, peer);
    this.seq = this.arriving.seq;
    this.arriving = undefined;
    this.sorted = undefined;
    const waiting = this.waitingDeltas;
    this.waitingDeltas = [];
    for (const delta of waiting) this.applyDelta(delta);
    return true;
  }

  /**
   * Takes one change; true when the list changed. Deltas are absolute, so applying one twice is
   * harmless. While a snapshot's pages are arriving (the tracker may send them over several turns,
   * with later changes between them) changes wait, and those newer than the snapshot apply over it.
   */
  applyDelta(push: PeersDeltaPush): boolean {
    if (this.seq === undefined || this.arriving !== undefined) {
      this.waitingDeltas.push(push);
      return false;
    }
    if (push.seq <= this.seq) return false;
    this.seq = push.seq;
    if ('joined' in push) {
      this.peers.set(push.joined.id, push.joined);
    } else if ('left' in push) {
      if (!this.peers.delete(push.left)) return false;
    } else {
      const peer = this.peers.get(push.files.id);
      if (peer === undefined || peer.files === push.files.count) return false;
      this.peers.set(peer.id, { ...peer, files: push.files.count });
    }
    this.sorted = undefined;
    return true;
  }
}
