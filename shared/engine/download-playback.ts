/**
 * A download's side of playback: where the player's playhead is (the focus) and which chunks a
 * reader waits for (StoredChunkWatch), kept across pause and resume and handed to the fetch that
 * runs now, whose scheduler fetches them first (playback-focus.ts).
 */
import type { ShoalError } from '../protocol/errors';
import { StoredChunkWatch } from './stored-chunk-watch';

/** What playback steers in a running fetch (ChunkFetcher). */
export interface PlaybackTarget {
  focusOn(index: number | undefined): void;
  setAwaited(index: number, isAwaited: boolean): void;
}

export class DownloadPlayback {
  private focus: number | undefined;
  private target: PlaybackTarget | undefined;
  private readonly storedChunks: StoredChunkWatch;

  constructor(fileName: string) {
    this.storedChunks = new StoredChunkWatch(fileName, (index, isAwaited) => this.target?.setAwaited(index, isAwaited));
  }

  /** The focus and awaited chunks a new fetch starts with. */
  get wanted(): { focus: number | undefined; awaited: number[] } {
    return { focus: this.focus, awaited: this.storedChunks.awaitedIndices() };
  }

  /** The fetch that runs now hears every later change. */
  steer(target: PlaybackTarget): void {
    this.target = target;
  }

  focusOn(index: number | undefined): void {
    this.focus = index;
    this.target?.focusOn(index);
  }

  whenStored(index: number, signal?: AbortSignal): Promise<void> {
    return this.storedChunks.whenStored(index, signal);
  }

  /** The verified manifest says how many chunks the file has, and which are missing. */
  known(chunkTotal: number, missing: readonly number[]): void {
    this.storedChunks.known(chunkTotal, missing);
  }

  stored(index: number): void {
    this.storedChunks.stored(index);
  }

  /** The download ended: waits resolve if it completed, else reject with `error`. */
  end(error?: ShoalError): void {
    this.storedChunks.end(error);
  }
}
