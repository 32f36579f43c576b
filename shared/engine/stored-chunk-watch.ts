/**
 * Which chunks of a download are verified and stored, for callers that wait for one (a media player
 * waiting for the chunk at its playhead). A wait ends the moment the chunk is stored, never before
 * it is verified, without polling; it fails when the download fails or is cancelled first, or when
 * the caller's signal aborts. Which chunks are awaited is told on, so they can be fetched first.
 */
import { ShoalError } from '../protocol/errors';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A wait's end: the chunk is stored, or the error it ends with; undefined while it goes on. */
type WaitOutcome = 'stored' | ShoalError | undefined;

export class StoredChunkWatch {
  /** Chunks not stored yet; undefined until the verified manifest says how many the file has. */
  private missing: Set<number> | undefined;
  private chunkTotal = 0;
  private readonly waiters = new Map<number, Set<Waiter>>();
  /** Set when the download ends: with no error it completed, so every chunk is stored. */
  private ending: { error: ShoalError | undefined } | undefined;

  constructor(
    private readonly fileName: string,
    /** A chunk gained its first waiter, or lost its last. */
    private readonly onAwaitedChanged: (index: number, isAwaited: boolean) => void = () => {},
  ) {}

  /** Chunks someone waits for now, oldest wait first. */
  awaitedIndices(): number[] {
    return [...this.waiters.keys()];
  }

  /** The verified manifest is in: the file has `chunkTotal` chunks, and `missing` are not stored. */
  known(chunkTotal: number, missing: readonly number[]): void {
    this.chunkTotal = chunkTotal;
    this.missing = new Set(missing);
    this.settleWhatCan();
  }

  /** The chunk is verified and stored. */
  stored(index: number): void {
    this.missing?.delete(index);
    this.settle(index);
  }

  /** The download ended: completed (no error) or failed or cancelled (`error`). Settles every wait. */
  end(error?: ShoalError): void {
    if (this.ending !== undefined) return;
    this.ending = { error };
    this.settleWhatCan();
  }

  /** Resolves once chunk `index` is verified and stored (at once if it is). */
  whenStored(index: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const outcome = this.outcomeOf(index);
    if (outcome === 'stored') return Promise.resolve();
    if (outcome !== undefined) return Promise.reject(outcome);
    return new Promise<void>((resolve, reject) => {
      const stopListening = (): void => {
        signal?.removeEventListener('abort', onAbort);
        const waiting = this.waiters.get(index);
        if (waiting === undefined || !waiting.delete(waiter) || waiting.size > 0) return;
        this.waiters.delete(index);
        this.onAwaitedChanged(index, false);
      };
      const waiter: Waiter = {
        resolve: () => {
          stopListening();
          resolve();
        },
        reject: (error) => {
          stopListening();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiting = this.waiters.get(index);
      if (waiting !== undefined) return void waiting.add(waiter);
      this.waiters.set(index, new Set([waiter]));
      this.onAwaitedChanged(index, true);
    });
  }

  private outcomeOf(index: number): WaitOutcome {
    const isOutOfRange = !Number.isInteger(index) || index < 0 || (this.missing !== undefined && index >= this.chunkTotal);
    if (isOutOfRange) return new ShoalError('BAD_REQUEST', `'${this.fileName}' has no chunk ${index}`, { fileName: this.fileName });
    if (this.ending !== undefined) return this.ending.error ?? 'stored';
    if (this.missing !== undefined && !this.missing.has(index)) return 'stored';
    return undefined;
  }

  private settleWhatCan(): void {
    for (const index of [...this.waiters.keys()]) this.settle(index);
  }

  private settle(index: number): void {
    const outcome = this.outcomeOf(index);
    if (outcome === undefined) return;
    for (const waiter of [...(this.waiters.get(index) ?? [])]) {
      if (outcome === 'stored') waiter.resolve();
      else waiter.reject(outcome);
    }
  }
}
