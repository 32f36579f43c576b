/**
 * An in-memory ChunkStore FOR TESTS AND SIMULATIONS. Like IndexedDB it keeps its own copy of what it
 * is given, so a caller reusing a buffer cannot change stored bytes behind its back.
 */
import { WriteGenerations } from './write-generations';
import type { ChunkStore, FileRecord, StagedChunks } from './chunk-store';

export class MemoryChunkStore implements ChunkStore {
  private readonly files = new Map<string, FileRecord>();
  private readonly chunks = new Map<string, Map<number, Uint8Array>>();
  /** Versions of the chunks, for serving's verified-chunk cache (chunkVersion). */
  private readonly generations = new WriteGenerations();
  private stagingCount = 0;

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

  /** Staged chunks are held apart and move under the content id on commit; nothing outlives the process. */
  async stageChunks(): Promise<StagedChunks> {
    let staged: Map<number, Uint8Array> | undefined = new Map();
    this.stagingCount += 1;
    const open = (): Map<number, Uint8Array> => {
      if (staged === undefined) throw new Error('This staging has ended');
      return staged;
    };
    const end = (): void => {
      if (staged !== undefined) this.stagingCount -= 1;
      staged = undefined;
    };
    return {
      putChunk: async (index, bytes) => {
        open().set(index, bytes.slice());
      },
      commit: async (contentId) => {
        this.chunks.set(contentId, open());
        // Every chunk of the file is replaced, as by a delete.
        this.generations.fileDeleted(contentId);
        end();
      },
      discard: async () => end(),
    };
  }

  /** Stagings neither committed nor discarded: a test checks a failed share leaves none open. */
  get openStagings(): number {
    return this.stagingCount;
  }
}

function copyRecord(record: FileRecord): FileRecord {
  return { ...record, manifest: { ...record.manifest, chunkHashes: [...record.manifest.chunkHashes] } };
}
