/**
 * The browser's ChunkStore: file records and verified chunks in IndexedDB (via idb-keyval), so
 * shares and half-done downloads survive a reload. Chunks are kept as Blobs: Chromium stores them
 * outside the JS heap, and a finished file is a Blob of those Blobs, never one big copy in memory.
 * Writes are batched (idb-chunk-writes.ts); a shared file's chunks stay where they were staged,
 * reached through a redirect (idb-chunk-layout.ts, idb-stagings.ts).
 */
import { createStore, del, get, promisifyRequest, set, values, type UseStore } from 'idb-keyval';
import { WriteGenerations, type ChunkStore, type FileRecord, type StagedChunks } from '../../shared/engine';
import { chunkRangeOf, everythingUnder, withFileKey, type ChunkKey } from './idb-chunk-layout';
import { ChunkWrites } from './idb-chunk-writes';
import { removeAbandonedStagings, startStaging } from './idb-stagings';

export class IdbChunkStore implements ChunkStore {
  private readonly files: UseStore;
  private readonly chunks: UseStore;
  private readonly writes: ChunkWrites;
  /** Versions of the chunks written through this object, for serving's verified-chunk cache. */
  private readonly generations = new WriteGenerations();

  /** idb-keyval opens one object store per database, hence two databases. */
  constructor(namespace = 'shoal') {
    this.files = createStore(`${namespace}-files`, 'files');
    this.chunks = createStore(`${namespace}-chunks`, 'chunks');
    this.writes = new ChunkWrites(this.chunks);
  }

  putFile(record: FileRecord): Promise<void> {
    return set(record.contentId, record, this.files);
  }

  getFile(contentId: string): Promise<FileRecord | undefined> {
    return get<FileRecord>(contentId, this.files);
  }

  async listFiles(): Promise<FileRecord[]> {
    const records = await values<FileRecord>(this.files);
    return records.sort((a, b) => a.addedAtMs - b.addedAtMs);
  }

  async deleteFile(contentId: string): Promise<void> {
    await del(contentId, this.files);
    await this.generations.aroundFileDelete(contentId, () =>
      this.chunks('readwrite', (store) => {
        withFileKey(store, contentId, (fileKey) => {
          // The content id's own chunks and redirect, then the staged chunks it led to.
          if (fileKey !== contentId) store.delete(everythingUnder(fileKey));
          return store.delete(everythingUnder(contentId));
        }).catch(() => {}); // a failed request fails the transaction, awaited here
        return promisifyRequest(store.transaction);
      }),
    );
  }

  /** Settles when the transaction holding the chunk commits; several chunks may share one. */
  putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void> {
    return this.generations.aroundChunkWrite(contentId, index, () => this.writes.put({ contentId }, index, bytes));
  }

  /** A write generation kept in memory: it sees every write through this object in this page, not
   * one by another tab (whose engine writes only verified chunks too) nor damage on disk; the
   * trade-off is in shared/engine/verified-chunks.ts. */
  async chunkVersion(contentId: string, index: number): Promise<string> {
    return this.generations.versionOf(contentId, index);
  }

  async getChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    const blob = await this.getChunkBlob(contentId, index);
    return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
  }

  getChunkBlob(contentId: string, index: number): Promise<Blob | undefined> {
    return this.chunks('readonly', (store) =>
      withFileKey(store, contentId, (fileKey) => {
        const key: ChunkKey = [fileKey, index];
        return store.get(key) as IDBRequest<Blob | undefined>;
      }),
    );
  }

  async listChunkIndices(contentId: string): Promise<number[]> {
    const keys = await this.chunks('readonly', (store) =>
      withFileKey(store, contentId, (fileKey) => store.getAllKeys(chunkRangeOf(fileKey))),
    );
    return keys.map((key) => (key as ChunkKey)[1]).sort((a, b) => a - b);
  }

  async stageChunks(): Promise<StagedChunks> {
    const staged = await startStaging(this.chunks, this.writes);
    return {
      putChunk: (index, bytes) => staged.putChunk(index, bytes),
      // Committing replaces every chunk of the file, as a delete does.
      commit: (contentId) => this.generations.aroundFileDelete(contentId, () => staged.commit(contentId)),
      discard: () => staged.discard(),
    };
  }

  /** Removes what shares cut short by a crash or a reload had staged; resolves with how many. */
  removeAbandonedStagings(): Promise<number> {
    return removeAbandonedStagings(this.chunks);
  }

  /** Chunk-write transactions committed so far (writes are batched; a test counts them). */
  get writeTransactionCount(): number {
    return this.writes.transactionCount;
  }

  /** The whole file as one Blob assembled from the stored chunk Blobs (no copy into the JS heap). */
  async fileBlob(record: FileRecord): Promise<Blob> {
    const parts: Blob[] = [];
    for (let index = 0; index < record.manifest.chunkHashes.length; index++) {
      const part = await this.getChunkBlob(record.contentId, index);
      if (!part) throw new Error(`Chunk ${index} of '${record.name}' is missing`);
      parts.push(part);
    }
    return new Blob(parts, { type: record.mimeType || 'application/octet-stream' });
  }
}
