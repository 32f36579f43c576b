/**
 * An in-memory ChunkStore FOR TESTS AND SIMULATIONS. Like IndexedDB it keeps its own copy of what it
 * is given, so a caller reusing a buffer cannot change stored bytes behind its back.
 */
import { WriteGenerations } from './write-generations';
import type { ChunkStore, FileRecord } from './chunk-store';

export class MemoryChunkStore implements ChunkStore {
  private readonly files = new Map<string, FileRecord>();
  private readonly chunks = new Map<string, Map<number, Uint8Array>>();
  /** Versions of the chunks, for serving's verified-chunk cache (chunkVersion). */
  private readonly generations = new WriteGenerations();

  async putFile(record: FileRecord): Promise<void> {
    this.files.set(record.contentId, copyRecord(record));
  }

  async getFile(contentId: string): Promise<FileRecord | undefined> {
    const record = this.files.get(contentId);
    return record === undefined ? undefined : copyRecord(record);
  }

  async listFiles(): Promise<FileRecord[]> {
    return [...this.files.values()].map(copyRecord).sort((a, b) => a.addedAtMs - b.addedAtMs);
  }

  async deleteFile(contentId: string): Promise<void> {
    this.files.delete(contentId);
    this.chunks.delete(contentId);
    this.generations.fileDeleted(contentId);
  }

  async putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void> {
    this.generations.chunkWritten(contentId, index); // the write is immediate: one step is enough
    let byIndex = this.chunks.get(contentId);
    if (byIndex === undefined) {
      byIndex = new Map();
      this.chunks.set(contentId, byIndex);
    }
    byIndex.set(index, bytes.slice());
  }

  /** Returns the stored bytes themselves (no copy, to keep simulations fast); callers must not modify them. */
  async getChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    return this.chunks.get(contentId)?.get(index);
  }

  /** Changes with every put or delete; bytes changed in place by a caller (against getChunk's
   * contract) go unnoticed, as bytes rotting on a disk would. */
  async chunkVersion(contentId: string, index: number): Promise<string> {
    return this.generations.versionOf(contentId, index);
  }

  async listChunkIndices(contentId: string): Promise<number[]> {
    const byIndex = this.chunks.get(contentId);
    return byIndex === undefined ? [] : [...byIndex.keys()].sort((a, b) => a - b);
  }
}

function copyRecord(record: FileRecord): FileRecord {
  return { ...record, manifest: { ...record.manifest, chunkHashes: [...record.manifest.chunkHashes] } };
}
