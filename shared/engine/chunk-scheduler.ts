/**
 * Which chunk each peer fetches next. Missing chunks go, lowest index first, to whichever peer asks
 * (a peer asks when it has a free slot, so faster peers get more); the scheduler remembers who is
 * fetching what and takes chunks back when a peer fails or a received chunk turns out bad.
 *
 * A chunk moves: pending -> in flight -> settling (received, being verified and stored) -> done.
 * A failed request or a bad chunk sends it back to pending, ahead of untouched chunks. End game:
 * once nothing is pending, an idle peer races the peer fetching the oldest chunk, so a slow peer
 * holding the last chunks does not hold up the whole file.
 */
export class ChunkScheduler {
  /** Untouched chunks, highest index first so `pop` yields the lowest. */
  private readonly fresh: number[];
  /** Chunks given back after a failure; served before fresh ones so gaps close early. */
  private readonly retry: number[] = [];
  /** Who is fetching each chunk in flight, oldest assignment first; two peers at most (end game). */
  private readonly fetchers = new Map<number, Set<string>>();
  private readonly inFlightByPeer = new Map<string, Set<number>>();
  private readonly settling = new Set<number>();
  private remainingCount: number;

  constructor(missingIndices: readonly number[]) {
    this.fresh = [...new Set(missingIndices)].sort((a, b) => b - a);
    this.remainingCount = this.fresh.length;
  }

  /** The next chunk for `peerId` to fetch, or undefined when none is waiting for a peer. */
  assign(peerId: string): number | undefined {
    const index = this.retry.shift() ?? this.fresh.pop() ?? this.endGameChunkFor(peerId);
    if (index === undefined) return undefined;
    const current = this.fetchers.get(index);
    if (current === undefined) this.fetchers.set(index, new Set([peerId]));
    else current.add(peerId);
    let mine = this.inFlightByPeer.get(peerId);
    if (mine === undefined) {
      mine = new Set();
      this.inFlightByPeer.set(peerId, mine);
    }
    mine.add(index);
    return index;
  }

  /** The request failed: unless another peer is fetching the chunk, it waits for one. False if
   * `peerId` was not fetching it (it was taken back already, and the failure means nothing). */
  release(peerId: string, index: number): boolean {
    if (!this.takeFrom(peerId, index)) return false;
    if (!this.fetchers.has(index)) this.retry.push(index);
    return true;
  }

  /** The peer is gone: its chunks go back to pending (unless another peer races for them). Returns them. */
  releasePeer(peerId: string): number[] {
    const mine = [...(this.inFlightByPeer.get(peerId) ?? [])].sort((a, b) => a - b);
    for (const index of mine) this.release(peerId, index);
    this.inFlightByPeer.delete(peerId);
    return mine;
  }

  /**
   * The chunk's bytes arrived from `peerId`, freeing its slot. Returns the other peers still
   * fetching the chunk (end game), whose requests should be cancelled; undefined if `peerId` was
   * not fetching it (the answer is stale and must be ignored).
   */
  markReceived(peerId: string, index: number): string[] | undefined {
    if (!this.takeFrom(peerId, index)) return undefined;
    const others = [...(this.fetchers.get(index) ?? [])];
    for (const other of others) this.takeFrom(other, index);
    this.settling.add(index);
    return others;
  }

  /** The received chunk is verified and stored. */
  markDone(index: number): void {
    if (this.settling.delete(index)) this.remainingCount -= 1;
  }

  /** The received chunk was bad: fetch it again. */
  markRejected(index: number): void {
    if (this.settling.delete(index)) this.retry.push(index);
  }

  inFlightCount(peerId: string): number {
    return this.inFlightByPeer.get(peerId)?.size ?? 0;
  }

  /** Chunks waiting for a peer to fetch them. */
  get pendingCount(): number {
    return this.retry.length + this.fresh.length;
  }

  /** True while some chunk is waiting for a peer or being fetched by one. */
  get needsPeers(): boolean {
    return this.pendingCount > 0 || this.fetchers.size > 0;
  }

  get isDone(): boolean {
    return this.remainingCount === 0;
  }

  /** Only an idle peer joins the end game, one chunk at a time, so duplicate transfers stay few. */
  private endGameChunkFor(peerId: string): number | undefined {
    if (this.inFlightCount(peerId) > 0) return undefined;
    for (const [index, fetching] of this.fetchers) if (fetching.size === 1 && !fetching.has(peerId)) return index;
    return undefined;
  }

  private takeFrom(peerId: string, index: number): boolean {
    const fetching = this.fetchers.get(index);
    if (fetching === undefined || !fetching.delete(peerId)) return false;
    if (fetching.size === 0) this.fetchers.delete(index);
    this.inFlightByPeer.get(peerId)?.delete(index);
    return true;
  }
}
