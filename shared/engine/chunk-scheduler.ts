/**
 * Which chunk each peer fetches next. A peer is only asked for chunks it has (its have-bitfield,
 * kept current by have-chunk messages), rarest first: among the missing chunks it can serve, the one
 * the fewest known peers hold, ties broken at random. Rare chunks so spread before their only
 * holders leave, and downloaders of the same file fetch different chunks, which they can then trade.
 * A peer asks when it has a free slot, so faster peers get more.
 *
 * A download may be focused on a chunk (a media player's playhead, playback-focus.ts): then a peer's
 * next chunk is the first pending one it holds in the focus window, so playback gets its bytes in
 * order; only when it holds none there does rarest first apply, which also fetches the chunks behind
 * the focus in time. A chunk a reader is blocked on (awaited) comes before even those, wherever it
 * is. One a single peer is fetching is also asked of a second (as in the end game), so playback does
 * not wait on the slowest holder in the swarm.
 *
 * A chunk moves: pending -> in flight -> settling (received, being verified and stored) -> done.
 * A failed request or a bad chunk sends it back to pending. End game: once a peer has nothing
 * pending to fetch, while idle it races another peer for a chunk it also has (see endGameChunkFor),
 * so a slow peer holding the last chunks does not hold up the whole file.
 */
import { PlaybackFocus, type ScheduledChunks } from './playback-focus';
import { FOCUS_WINDOW_CHUNKS } from './transfer-policy';

export class ChunkScheduler {
  /** Chunks missing and waiting for a peer. */
  private readonly pending = new Set<number>();
  /** Who is fetching each chunk in flight, oldest assignment first; two peers at most (end game). */
  private readonly fetchers = new Map<number, Set<string>>();
  /** What playback reads of the chunks' states. */
  private readonly scheduled: ScheduledChunks = { pending: this.pending, fetchers: this.fetchers };
  private readonly inFlightByPeer = new Map<string, Set<number>>();
  private readonly settling = new Set<number>();
  /** Chunks not yet stored. */
  private readonly wanted: Set<number>;
  /** The wanted chunks each known peer has. */
  private readonly heldByPeer = new Map<string, Set<number>>();
  /** How many known peers have each wanted chunk. */
  private readonly holderCounts = new Map<number, number>();
  private readonly playback: PlaybackFocus;

  constructor(
    missingIndices: readonly number[],
    private readonly random: () => number = Math.random,
    focusWindowChunks = FOCUS_WINDOW_CHUNKS,
  ) {
    this.playback = new PlaybackFocus(focusWindowChunks);
    this.wanted = new Set(missingIndices);
    for (const index of this.wanted) this.pending.add(index);
  }

  /** A peer whose chunks we now know (replacing what we knew of it). */
  addPeer(peerId: string, heldIndices: Iterable<number>): void {
    this.forgetHoldings(peerId);
    const held = new Set<number>();
    this.heldByPeer.set(peerId, held);
    for (const index of heldIndices) this.peerGained(peerId, index);
  }

  /** The peer stored another chunk. True when it is one we still want (worth a dispatch). */
  peerGained(peerId: string, index: number): boolean {
    const held = this.heldByPeer.get(peerId);
    if (held === undefined || !this.wanted.has(index) || held.has(index)) return false;
    held.add(index);
    this.holderCounts.set(index, (this.holderCounts.get(index) ?? 0) + 1);
    return true;
  }

  /** The peer said it does not hold the chunk after all (or its copy is damaged): stop asking it. */
  peerLacks(peerId: string, index: number): void {
    const held = this.heldByPeer.get(peerId);
    if (held === undefined || !held.delete(index)) return;
    this.countOneHolderLess(index);
  }

  /** Whether the peer has a chunk we still want; a peer without one is idle. */
  hasWantedChunks(peerId: string): boolean {
    for (const index of this.heldByPeer.get(peerId) ?? []) if (this.wanted.has(index)) return true;
    return false;
  }

  /** How many known peers have the chunk. */
  holderCount(index: number): number {
    return this.holderCounts.get(index) ?? 0;
  }

  /** Fetch from `index` on first (in order), or drop the focus (undefined). A seek far ahead is a new
   * focus; chunks in flight stay in flight unless an awaited chunk needs their slot (requestsToYieldTo). */
  focusOn(index: number | undefined): void {
    this.playback.focusOn(index);
  }

  get focusIndex(): number | undefined {
    return this.playback.index;
  }

  /** A reader starts or stops waiting for the chunk: while awaited, it is fetched before any other. */
  setAwaited(index: number, isAwaited: boolean): void {
    this.playback.setAwaited(index, isAwaited && this.wanted.has(index));
  }

  /** True while a reader waits for some chunk (playback wants it soon, not the most throughput). */
  get hasAwaited(): boolean {
    return this.playback.hasAwaited;
  }

  /** The requests `peerId` should give up while a reader waits for a chunk it holds, at most
   * `limit` kept (PlaybackFocus.requestsToYield says which). Call `release` for each. */
  requestsToYieldTo(peerId: string, limit: number): number[] {
    const held = this.heldByPeer.get(peerId);
    const mine = this.inFlightByPeer.get(peerId);
    if (held === undefined || mine === undefined) return [];
    return this.playback.requestsToYield(held, mine, limit, this.scheduled);
  }

  /** The next chunk for `peerId` to fetch, or undefined when it has none that is waiting for a peer. */
  assign(peerId: string): number | undefined {
    const held = this.heldByPeer.get(peerId);
    if (held === undefined) return undefined;
    const index =
      this.playback.awaitedChunkFor(peerId, held, this.scheduled) ??
      this.playback.focusedPendingIn(held, this.pending) ??
      this.rarestPendingIn(held) ??
      this.endGameChunkFor(peerId, held);
    if (index === undefined) return undefined;
    this.pending.delete(index);
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

  /** The request failed or was taken back: unless another peer is fetching the chunk, it waits for
   * one. False if `peerId` was not fetching it (it was taken back already; the failure means nothing). */
  release(peerId: string, index: number): boolean {
    if (!this.takeFrom(peerId, index)) return false;
    if (!this.fetchers.has(index) && this.wanted.has(index) && !this.settling.has(index)) this.pending.add(index);
    return true;
  }

  /** Takes back every chunk the peer is fetching (it is paused or gone); returns them, ascending. */
  releaseRequestsOf(peerId: string): number[] {
    const mine = [...(this.inFlightByPeer.get(peerId) ?? [])].sort((a, b) => a - b);
    for (const index of mine) this.release(peerId, index);
    this.inFlightByPeer.delete(peerId);
    return mine;
  }

  /** The peer is gone: its chunks go back to pending and its holdings no longer count. */
  removePeer(peerId: string): number[] {
    const released = this.releaseRequestsOf(peerId);
    this.forgetHoldings(peerId);
    this.heldByPeer.delete(peerId);
    return released;
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
    if (!this.settling.delete(index)) return;
    this.wanted.delete(index);
    this.holderCounts.delete(index);
    this.playback.setAwaited(index, false);
  }

  /** The received chunk was bad: fetch it again. */
  markRejected(index: number): void {
    if (this.settling.delete(index)) this.pending.add(index);
  }

  inFlightCount(peerId: string): number {
    return this.inFlightByPeer.get(peerId)?.size ?? 0;
  }

  /** Chunks being fetched by some peer. */
  get inFlightTotal(): number {
    return this.fetchers.size;
  }

  /** Chunks waiting for a peer to fetch them. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** True while some chunk is waiting for a peer or being fetched by one. */
  get needsPeers(): boolean {
    return this.pending.size > 0 || this.fetchers.size > 0;
  }

  get isDone(): boolean {
    return this.wanted.size === 0;
  }

  /** The pending chunk among `held` with the fewest holders; ties at random (reservoir sampling). */
  private rarestPendingIn(held: Set<number>): number | undefined {
    let best: number | undefined;
    let bestCount = Infinity;
    let ties = 0;
    const [smaller, larger] = held.size < this.pending.size ? [held, this.pending] : [this.pending, held];
    for (const index of smaller) {
      if (!larger.has(index)) continue;
      const count = this.holderCount(index);
      if (count < bestCount) {
        best = index;
        bestCount = count;
        ties = 1;
      } else if (count === bestCount) {
        ties += 1;
        if (this.random() * ties < 1) best = index;
      }
    }
    return best;
  }

  /**
   * Only an idle peer joins the end game, one chunk at a time, so duplicate transfers stay few. It
   * takes the chunk asked for last: that one most likely still waits in its peer's queue behind
   * another, so fetching it here saves a whole chunk's time, where racing a chunk half sent saves
   * little. A stalled peer's chunks are all taken over this way, one idle moment at a time.
   */
  private endGameChunkFor(peerId: string, held: Set<number>): number | undefined {
    if (this.inFlightCount(peerId) > 0) return undefined;
    let newest: number | undefined;
    for (const [index, fetching] of this.fetchers) {
      if (fetching.size === 1 && !fetching.has(peerId) && held.has(index)) newest = index;
    }
    return newest;
  }

  private takeFrom(peerId: string, index: number): boolean {
    const fetching = this.fetchers.get(index);
    if (fetching === undefined || !fetching.delete(peerId)) return false;
    if (fetching.size === 0) this.fetchers.delete(index);
    this.inFlightByPeer.get(peerId)?.delete(index);
    return true;
  }

  private forgetHoldings(peerId: string): void {
    const held = this.heldByPeer.get(peerId);
    if (held === undefined) return;
    for (const index of held) this.countOneHolderLess(index);
    held.clear();
  }

  private countOneHolderLess(index: number): void {
    const count = this.holderCount(index) - 1;
    if (count > 0) this.holderCounts.set(index, count);
    else this.holderCounts.delete(index);
  }
}
