/**
 * Chunk writes to IndexedDB, batched: while one transaction is being written, the chunks put in the
 * meantime wait and then go together in the next one, so a busy download or share pays one
 * transaction's overhead for several chunks, and a lone chunk is written at once. Each put settles
 * when its transaction commits: a chunk counts only once it is stored.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { fileKeyOf, redirectKey, type ChunkKey } from './idb-chunk-layout';

/** A batch holds at most this many bytes: a transaction's blobs are held until it commits, and a
 * failing one (a full disk) should fail few chunks. Several 1 MiB chunks still fit. */
const BATCH_BYTES_MAX = 16 * 1024 * 1024;

/** Where a chunk goes: a file's chunks (through its redirect, if it has one), or a staging's. */
export type WriteTarget = { contentId: string } | { stagingId: string };

interface QueuedWrite {
  target: WriteTarget;
  index: number;
  blob: Blob;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

export class ChunkWrites {
  private queued: QueuedWrite[] = [];
  private isWriting = false;
  /** Transactions committed, for tests that check writes are batched. */
  transactionCount = 0;

  constructor(private readonly chunks: UseStore) {}

  /** Copies `bytes` into a Blob at once (the caller may reuse them when this settles) and stores it. */
  put(target: WriteTarget, index: number, bytes: Uint8Array): Promise<void> {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    return new Promise((resolve, reject) => {
      this.queued.push({ target, index, blob, resolve, reject });
      if (!this.isWriting) this.writeNextBatch();
    });
  }

  private writeNextBatch(): void {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.isWriting = true;
    this.chunks('readwrite', (store) => {
      for (const write of batch) putInto(store, write);
      return promisifyRequest(store.transaction);
    })
      .then(
        () => {
          this.transactionCount += 1;
          for (const write of batch) write.resolve();
        },
        (error: unknown) => {
          for (const write of batch) write.reject(error);
        },
      )
      .finally(() => {
        this.isWriting = false;
        this.writeNextBatch();
      });
  }

  private takeBatch(): QueuedWrite[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queued.length) {
      const size = this.queued[count]?.blob.size ?? 0;
      if (count > 0 && bytes + size > BATCH_BYTES_MAX) break;
      bytes += size;
      count += 1;
    }
    return this.queued.splice(0, count);
  }
}

function putInto(store: IDBObjectStore, write: QueuedWrite): void {
  if ('stagingId' in write.target) {
    const key: ChunkKey = [write.target.stagingId, write.index];
    store.put(write.blob, key);
    return;
  }
  const contentId = write.target.contentId;
  // The redirect is read in this transaction, so a share committed meanwhile is followed.
  const redirect = store.get(redirectKey(contentId));
  redirect.onsuccess = () => {
    const key: ChunkKey = [fileKeyOf(contentId, redirect.result), write.index];
    store.put(write.blob, key);
  };
}
