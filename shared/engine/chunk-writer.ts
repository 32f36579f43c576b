/**
 * Verifies received chunks against the manifest and writes the good ones to the store, off the
 * receive path: the next requests go out while a chunk is hashed and written. The bytes waiting
 * here are bounded (UNWRITTEN_BYTES_MAX), so a slow store slows the requests rather than growing
 * memory.
 */
import type { Manifest } from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';
import { isChunkIntact } from './chunk-verification';
import { UNWRITTEN_BYTES_MAX } from './transfer-policy';

/** 'corrupt': the bytes do not match the manifest; 'skipped': verified, but the download had stopped.
 * Nothing is written in either case. */
export type WriteOutcome = 'stored' | 'corrupt' | 'skipped';

export class ChunkWriter {
  private unwrittenBytes = 0;
  private settledWaiters: (() => void)[] = [];

  constructor(
    private readonly store: ChunkStore,
    private readonly contentId: string,
    private readonly manifest: Manifest,
  ) {}

  /** Whether another chunk may be requested without the backlog passing UNWRITTEN_BYTES_MAX. */
  get hasRoomForAnotherChunk(): boolean {
    return this.unwrittenBytes === 0 || this.unwrittenBytes + this.manifest.chunkSizeBytes <= UNWRITTEN_BYTES_MAX;
  }

  get isBusy(): boolean {
    return this.unwrittenBytes > 0;
  }

  /** Verifies and stores the chunk; rejects with the store's error (full disk, quota). Once `ended`
   * has aborted (the download stopped) a verified chunk is not written: 'skipped'. */
  async write(index: number, bytes: Uint8Array, ended: AbortSignal): Promise<WriteOutcome> {
    this.unwrittenBytes += bytes.byteLength;
    try {
      if (!(await isChunkIntact(this.manifest, index, bytes))) return 'corrupt';
      if (ended.aborted) return 'skipped';
      await this.store.putChunk(this.contentId, index, bytes);
      return 'stored';
    } finally {
      this.unwrittenBytes -= bytes.byteLength;
      if (this.unwrittenBytes === 0) this.releaseSettledWaiters();
    }
  }

  /** Resolves once nothing is being verified or written, so the file can be deleted safely. */
  whenSettled(): Promise<void> {
    if (this.unwrittenBytes === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private releaseSettledWaiters(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
