/**
 * The browser's ChunkStore: file records and verified chunks in IndexedDB (via idb-keyval), so
 * shares and half-done downloads survive a reload. Chunks are kept as Blobs: Chromium stores them
 * outside the JS heap, and a finished file is a Blob of those Blobs, never one big copy in memory.
 */
import { createStore, del, get, promisifyRequest, set, values, type UseStore } from 'idb-keyval';
import { WriteGenerations, type ChunkStore, type FileRecord } from '../../shared/engine';

type ChunkKey = [contentId: string, index: number];

export class IdbChunkStore implements ChunkStore {
  private readonly files: UseStore;
  private readonly chunks: UseStore;
  /** Versions of the chunks written through this object, for serving's verified-chunk cache. */
  private readonly generations = new WriteGenerations();

  /** idb-keyval opens one object store per database, hence two databases. */
  constructor(namespace = 'shoal') {
    this.files = createStore(`${namespace}-files`, 'files');
    this.chunks = createStore(`${namespace}-chunks`, 'chunks');
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
        store.delete(chunkRangeOf(contentId));
        return promisifyRequest(store.transaction);
      }),
    );
  }

  putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void> {
    const key: ChunkKey = [contentId, index];
    return this.generations.aroundChunkWrite(contentId, index, () =>
      set(key, new Blob([bytes as Uint8Array<ArrayBuffer>]), this.chunks),
    );
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
    const key: ChunkKey = [contentId, index];
    return get<Blob>(key, this.chunks);
  }

  async listChunkIndices(contentId: string): Promise<number[]> {
    const keys = await this.chunks('readonly', (store) =>
      promisifyRequest(store.getAllKeys(chunkRangeOf(contentId))),
    );
    return keys.map((key) => (key as ChunkKey)[1]).sort((a, b) => a - b);
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

/** Every chunk key of one file: arrays compare element-wise, so [id, 0]..[id, +Infinity] spans them. */
function chunkRangeOf(contentId: string): IDBKeyRange {
  return IDBKeyRange.bound([contentId, 0], [contentId, Number.POSITIVE_INFINITY]);
}
