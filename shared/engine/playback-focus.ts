/**
 * What a media player asks of a download's scheduler: a focus (the playhead), whose window
 * (FOCUS_WINDOW_CHUNKS from it on) is fetched first and in order, and the chunks a reader is blocked
 * on (awaited), fetched before even those, wherever they are. ChunkScheduler owns the chunks' states
 * and asks this which chunk playback wants next, and which requests to give up for an awaited one.
 */
import { FOCUS_WINDOW_CHUNKS } from './transfer-policy';

/** The scheduler's state this reads: never changed here. */
export interface ScheduledChunks {
  pending: ReadonlySet<number>;
  /** Who is fetching each chunk in flight; two peers at most (end game). */
  fetchers: ReadonlyMap<number, ReadonlySet<string>>;
}

export class PlaybackFocus {
  /** The chunk playback needs next; undefined while nobody is playing the file. */
  private focus: number | undefined;
  /** Chunks a reader waits for right now, oldest wait first. */
  private readonly awaited = new Set<number>();

  constructor(private readonly focusWindowChunks = FOCUS_WINDOW_CHUNKS) {}

  get index(): number | undefined {
    return this.focus;
  }

  focusOn(index: number | undefined): void {
    this.focus = index;
  }

  /** A reader starts or stops waiting for the chunk (only a chunk still wanted can be awaited). */
  setAwaited(index: number, isAwaited: boolean): void {
    if (isAwaited) this.awaited.add(index);
    else this.awaited.delete(index);
  }

  get hasAwaited(): boolean {
    return this.awaited.size > 0;
  }

  isAwaited(index: number): boolean {
    return this.awaited.has(index);
  }

  /**
   * The requests in flight to one peer (`mine`) it should give up while a reader waits for a chunk it
   * holds, so that chunk does not wait behind (or share the holder's upload with) a deep queue: a
   * far seek leaves the old window in flight. The holder keeps at most `limit` requests, one slot
   * fewer while an awaited chunk it holds is still pending, so that chunk is asked for at once.
   * Those outside the focus window go first, then the newest in it; awaited chunks are never given up.
   */
  requestsToYield(held: ReadonlySet<number>, mine: ReadonlySet<number>, limit: number, chunks: ScheduledChunks): number[] {
    const awaited = [...this.awaited];
    const needsSlot = awaited.some((index) => chunks.pending.has(index) && held.has(index));
    if (!needsSlot && !awaited.some((index) => mine.has(index))) return [];
    const excess = mine.size - (needsSlot ? limit - 1 : limit);
    if (excess <= 0) return [];
    const newestFirst = [...mine].filter((index) => !this.awaited.has(index)).reverse();
    const outside = newestFirst.filter((index) => !this.isInFocusWindow(index));
    const inside = newestFirst.filter((index) => this.isInFocusWindow(index));
    return [...outside, ...inside].slice(0, excess);
  }

  /** An awaited chunk the peer has: a pending one, else one a single other peer is fetching. */
  awaitedChunkFor(peerId: string, held: ReadonlySet<number>, chunks: ScheduledChunks): number | undefined {
    let race: number | undefined;
    for (const index of this.awaited) {
      if (!held.has(index)) continue;
      if (chunks.pending.has(index)) return index;
      const fetching = chunks.fetchers.get(index);
      if (race === undefined && fetching?.size === 1 && !fetching.has(peerId)) race = index;
    }
    return race;
  }

  /** The first pending chunk among `held` in the focus window; undefined without a focus. */
  focusedPendingIn(held: ReadonlySet<number>, pending: ReadonlySet<number>): number | undefined {
    if (this.focus === undefined) return undefined;
    const end = this.focus + this.focusWindowChunks;
    for (let index = this.focus; index < end; index += 1) if (pending.has(index) && held.has(index)) return index;
    return undefined;
  }

  private isInFocusWindow(index: number): boolean {
    return this.focus !== undefined && index >= this.focus && index < this.focus + this.focusWindowChunks;
  }
}
