/**
 * Which chunks this session has already hashed and found good, and in which version of their copy,
 * so a seeder hashes a chunk it serves once per version instead of on every request. The version
 * is the store's `chunkVersion` (or an original file's, see served-chunks.ts), so the entry stops
 * counting the moment the copy is re-put, repaired, deleted or changed on disk.
 *
 * The trade-off, per store: a version notices every change made through the store and, for files
 * on disk, every change the file system records; it cannot notice bytes that rot underneath
 * without a write (a failing disk, IndexedDB's files damaged outside the browser), nor a memory
 * store's bytes changed in place by a caller that broke its contract. Such a chunk, verified
 * earlier in the session, would be sent; the downloader verifies every chunk anyway, rejects it and
 * stops asking us for the file, and the next session hashes it again. Versions:
 * - memory and IndexedDB: a write generation kept by the store object (write-generations.ts); a
 *   write by another tab goes unseen, but the engine only ever writes verified bytes.
 * - the CLI's file system: inode, size, modification and change time of the file the chunk is read
 *   from (ctime moves on every write, even one that restores mtime); a write within the same tick
 *   of the kernel's timestamp clock (a few ms) can go unseen.
 */

/** At least 1 MiB each, so this many entries cover 16 GiB of chunks in a few MiB of memory. */
export const VERIFIED_CHUNKS_MAX = 16_384;

export class VerifiedChunks {
  /** Key `<source> <content id> <index>` → the version that was verified; oldest first. */
  private readonly verified = new Map<string, string>();

  constructor(private readonly maxEntries = VERIFIED_CHUNKS_MAX) {}

  /** True when this chunk, from this source, was verified in exactly this version. */
  isVerified(source: string, contentId: string, index: number, version: string): boolean {
    return this.verified.get(keyOf(source, contentId, index)) === version;
  }

  /** Records that the chunk's bytes in `version` matched its hash. */
  remember(source: string, contentId: string, index: number, version: string): void {
    const key = keyOf(source, contentId, index);
    this.verified.delete(key); // re-inserted as the newest
    this.verified.set(key, version);
    while (this.verified.size > this.maxEntries) {
      const oldest = this.verified.keys().next().value;
      if (oldest === undefined) break;
      this.verified.delete(oldest);
    }
  }

  /** Forgets the chunk (its bytes failed verification). */
  forget(source: string, contentId: string, index: number): void {
    this.verified.delete(keyOf(source, contentId, index));
  }

  get size(): number {
    return this.verified.size;
  }
}

function keyOf(source: string, contentId: string, index: number): string {
  return `${source} ${contentId} ${index}`;
}

/** One cache per store object, so every link serving from a store shares it, and a store made anew
 * (a test's, a restarted node's) starts with nothing verified. */
const cachesByStore = new WeakMap<object, VerifiedChunks>();

export function verifiedChunksOf(store: object): VerifiedChunks {
  let cache = cachesByStore.get(store);
  if (cache === undefined) {
    cache = new VerifiedChunks();
    cachesByStore.set(store, cache);
  }
  return cache;
}
