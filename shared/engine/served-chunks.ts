/**
 * Where a chunk we serve comes from, always verified: the original file the user shared when the
 * host still has it (no read-back from the store), else the store, else (when the stored copy is
 * damaged) the original again through `repairChunk`, stored anew. A chunk is hashed once per
 * version of the copy it is read from (verified-chunks.ts), so serving the same chunk again costs
 * a read, not a hash. An original whose bytes no longer match is set aside for the stored copy.
 */
import { chunkLength, chunkRange } from '../content/chunking';
import type { Logger } from '../logging/logger';
import type { Manifest } from '../protocol/peer-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import { isChunkIntact } from './chunk-verification';
import { verifiedChunksOf, type VerifiedChunks } from './verified-chunks';

/** Re-reads chunk `index` of a file from its original (the file the user shared), or undefined if
 * that is no longer possible. Whatever it returns is verified before it is stored or sent. */
export type ChunkRepairer = (contentId: string, index: number) => Promise<Uint8Array | undefined>;

/** An original file the user shared, still at hand (the browser's picked File, this session). */
export interface OriginalFile {
  /** Bytes [start, end) of the original; may reject (a browser File whose file changed on disk). */
  readSlice(start: number, end: number): Promise<Uint8Array>;
  /** Changes whenever the original may have changed: a chunk verified in one version is not
   * trusted in another. */
  version: string;
}

/** The original shared under a content id, if the host still has it. */
export type OriginalFiles = (contentId: string) => OriginalFile | undefined;

export type ServedChunk = { kind: 'chunk'; bytes: Uint8Array } | { kind: 'missing' } | { kind: 'corrupt' };

/** What serving cost so far, to measure (and test) what the cache and the originals save. */
export interface ServingCounters {
  /** Good chunks handed to serving (read ahead of sending, so one cancelled later still counts). */
  chunksRead: number;
  /** Bytes hashed to verify them: what the cache cuts. */
  hashedBytes: number;
  /** Bytes read back from the store, and from originals: what serving from originals moves. */
  storeReadBytes: number;
  originalReadBytes: number;
}

export interface ServedChunksOptions {
  originals?: OriginalFiles;
  repairChunk?: ChunkRepairer;
  /** Hears what serving handled quietly: an original that changed, a repair that failed. */
  log: Logger;
}

/** Cache sources: the same chunk verified in the store and in the original are separate facts. */
const FROM_STORE = 'store';
const FROM_ORIGINAL = 'original';
/** Originals found changed, by version; a handful at a time in practice. */
const CHANGED_ORIGINALS_MAX = 64;
/** Records kept for files being served: a few at a time in practice, up to ~100 KB each (1024 hashes). */
const RECORDS_KEPT_MAX = 16;

export class ServedChunks {
  readonly counters: ServingCounters = { chunksRead: 0, hashedBytes: 0, storeReadBytes: 0, originalReadBytes: 0 };
  private readonly verified: VerifiedChunks;
  private readonly changedOriginals = new Set<string>();
  /** Records of files being served, newest last (see recordOf). */
  private readonly records = new Map<string, FileRecord>();

  constructor(
    private readonly store: ChunkStore,
    private readonly options: ServedChunksOptions,
  ) {
    this.verified = verifiedChunksOf(store);
  }

  /**
   * The file's record, read from the store when `isFresh` or not kept yet, else the one kept: reading
   * it back for every chunk costs IndexedDB a transaction and a copy of the manifest (0.3 ms for 64
   * chunks, over 1 ms for 1024, in Chromium here). A manifest never changes (the content id is its
   * hash); whether the file is still held is asked of the store by every fresh read, and a kept
   * record is dropped when the store no longer has a chunk of the file.
   */
  async recordOf(contentId: string, isFresh: boolean): Promise<FileRecord | undefined> {
    const kept = isFresh ? undefined : this.records.get(contentId);
    if (kept !== undefined) return kept;
    const record = await this.store.getFile(contentId);
    this.records.delete(contentId);
    if (record === undefined) return undefined;
    this.records.set(contentId, record);
    if (this.records.size > RECORDS_KEPT_MAX) this.records.delete(this.records.keys().next().value ?? contentId);
    return record;
  }

  /** Chunk `index` of a file the store holds (the caller looked up its record), verified. Rejects
   * only when the store cannot be read. */
  async read(contentId: string, manifest: Manifest, index: number): Promise<ServedChunk> {
    const original = await this.readOriginal(contentId, manifest, index);
    const answer = original !== undefined ? chunk(original) : await this.readStored(contentId, manifest, index);
    if (answer.kind === 'chunk') this.counters.chunksRead += 1;
    if (answer.kind === 'missing') this.records.delete(contentId); // perhaps no longer held at all: ask again
    return answer;
  }

  /** The chunk from the original, verified, or undefined to use the store instead. */
  private async readOriginal(contentId: string, manifest: Manifest, index: number): Promise<Uint8Array | undefined> {
    const original = this.options.originals?.(contentId);
    if (original === undefined || this.changedOriginals.has(original.version)) return undefined;
    const { start, end } = chunkRange(manifest.size, manifest.chunkSizeBytes, index);
    let bytes: Uint8Array;
    try {
      bytes = await original.readSlice(start, end);
    } catch (error) {
      this.setAsideOriginal(original, `the original of ${contentId} can no longer be read; serving the stored copy`, error);
      return undefined;
    }
    this.counters.originalReadBytes += bytes.byteLength;
    const { version } = original;
    if (bytes.byteLength === end - start && this.verified.isVerified(FROM_ORIGINAL, contentId, index, version)) return bytes;
    if (await this.isValid(manifest, index, bytes)) {
      this.verified.remember(FROM_ORIGINAL, contentId, index, version);
      return bytes;
    }
    this.setAsideOriginal(original, `the original of ${contentId} changed since it was shared; serving the stored copy`);
    return undefined;
  }

  private setAsideOriginal(original: OriginalFile, message: string, error?: unknown): void {
    if (this.changedOriginals.size >= CHANGED_ORIGINALS_MAX) this.changedOriginals.clear();
    this.changedOriginals.add(original.version);
    if (error === undefined) this.options.log.warn(message);
    else this.options.log.warn(message, error);
  }

  /** The stored copy, hashed unless this version of it was verified already; repaired if damaged. */
  private async readStored(contentId: string, manifest: Manifest, index: number): Promise<ServedChunk> {
    // The version is read before and after the bytes: equal, no write touched the chunk in between.
    const before = await this.store.chunkVersion?.(contentId, index);
    const bytes = await this.store.getChunk(contentId, index);
    if (bytes === undefined) return { kind: 'missing' };
    this.counters.storeReadBytes += bytes.byteLength;
    const isWholeChunk = bytes.byteLength === chunkLength(manifest.size, manifest.chunkSizeBytes, index);
    if (before !== undefined && isWholeChunk && this.verified.isVerified(FROM_STORE, contentId, index, before)) {
      if ((await this.store.chunkVersion?.(contentId, index)) === before) return chunk(bytes);
    }
    // Never pass on damaged bytes: the downloader would reject them and blame us.
    if (await this.isValid(manifest, index, bytes)) {
      if (before !== undefined && (await this.store.chunkVersion?.(contentId, index)) === before) {
        this.verified.remember(FROM_STORE, contentId, index, before);
      }
      return chunk(bytes);
    }
    this.verified.forget(FROM_STORE, contentId, index);
    const repaired = await this.repair(manifest, contentId, index);
    return repaired === undefined ? { kind: 'corrupt' } : chunk(repaired);
  }

  /** The chunk re-read from its original and stored again, or undefined if that is not possible. */
  private async repair(manifest: Manifest, contentId: string, index: number): Promise<Uint8Array | undefined> {
    if (this.options.repairChunk === undefined) return undefined;
    try {
      const bytes = await this.options.repairChunk(contentId, index);
      if (bytes === undefined || !(await this.isValid(manifest, index, bytes))) return undefined;
      // Serving does not depend on storing the repaired copy.
      await this.store.putChunk(contentId, index, bytes).catch((error: unknown) => {
        this.options.log.warn(`could not store the repaired chunk ${index} of ${contentId}`, error);
      });
      return bytes;
    } catch (error) {
      this.options.log.warn(`could not repair chunk ${index} of ${contentId} from its original`, error);
      return undefined;
    }
  }

  private isValid(manifest: Manifest, index: number, bytes: Uint8Array): Promise<boolean> {
    this.counters.hashedBytes += bytes.byteLength;
    return isChunkIntact(manifest, index, bytes);
  }
}

function chunk(bytes: Uint8Array): ServedChunk {
  return { kind: 'chunk', bytes };
}
