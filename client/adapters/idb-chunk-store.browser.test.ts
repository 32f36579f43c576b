import { describe, expect, it } from 'vitest';
import { describeChunkStoreContract } from '../../shared/engine/chunk-store.contract';
import type { ChunkStore } from '../../shared/engine';
import { sha256Hex } from '../../shared/content/sha256';
import { IdbChunkStore } from './idb-chunk-store';

/** Each store gets databases of its own in this page's IndexedDB; reopening uses the same names. */
const namespaceOf = new WeakMap<ChunkStore, string>();
let storeCount = 0;

function openStore(namespace: string): IdbChunkStore {
  const store = new IdbChunkStore(namespace);
  namespaceOf.set(store, namespace);
  return store;
}

describeChunkStoreContract('IdbChunkStore in Chromium', {
  makeStore: async () => openStore(`contract-${Date.now()}-${storeCount++}`),
  reopen: async (store) => {
    const namespace = namespaceOf.get(store);
    if (namespace === undefined) throw new Error('Not a store this harness made');
    return openStore(namespace);
  },
  acceptsChunksBeforeRecord: true,
});

/** Every key in the store's chunks database, read with plain IndexedDB (what is really on disk). */
async function rawChunkKeys(namespace: string): Promise<IDBValidKey[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`${namespace}-chunks`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction('chunks').objectStore('chunks').getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** Writes keys as a share that crashed mid-way leaves them: an open staging's marker and some chunks. */
async function leaveCrashedStaging(namespace: string, stagingId: string, chunkCount: number): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`${namespace}-chunks`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('chunks', 'readwrite');
      const chunks = tx.objectStore('chunks');
      chunks.put({ startedAtMs: Date.now() }, [stagingId, 'open']);
      for (let index = 0; index < chunkCount; index += 1) chunks.put(new Blob([new Uint8Array(1000).fill(index)]), [stagingId, index]);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function randomChunk(sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  for (let start = 0; start < sizeBytes; start += 65_536) crypto.getRandomValues(bytes.subarray(start, start + 65_536));
  return bytes;
}

describe('IdbChunkStore in Chromium: staging and batched writes', () => {
  it('removes what a share cut short by a crash staged, and keeps a share still running and what it commits', async () => {
    const namespace = `staging-${Date.now()}-${storeCount++}`;
    const store = openStore(namespace);
    const running = await store.stageChunks();
    const chunk = randomChunk(2_000);
    await running.putChunk(0, chunk);
    await leaveCrashedStaging(namespace, 'staged:crashed', 3);
    expect(await rawChunkKeys(namespace)).toHaveLength(2 + 4);

    // A reload: a new store over the same databases looks for abandoned stagings.
    expect(await openStore(namespace).removeAbandonedStagings()).toBe(1);
    const left = await rawChunkKeys(namespace);
    expect(left.filter((key) => (key as unknown[])[0] === 'staged:crashed')).toEqual([]);
    expect(left).toHaveLength(2);

    const contentId = 'a'.repeat(64);
    await running.commit(contentId);
    expect(await store.removeAbandonedStagings()).toBe(0);
    expect(await store.listChunkIndices(contentId)).toEqual([0]);
    expect(await sha256Hex((await store.getChunk(contentId, 0)) ?? new Uint8Array())).toBe(await sha256Hex(chunk));
    await store.deleteFile(contentId);
    expect(await rawChunkKeys(namespace)).toEqual([]);
  });

  it('writes chunks put together in fewer transactions than chunks, each settling once stored', async () => {
    const store = openStore(`batch-${Date.now()}-${storeCount++}`);
    const contentId = 'b'.repeat(64);
    const chunks = Array.from({ length: 8 }, () => randomChunk(256 * 1024));
    const before = store.writeTransactionCount;
    await Promise.all(
      chunks.map(async (chunk, index) => {
        await store.putChunk(contentId, index, chunk);
        // Settled means stored: readable at once.
        expect((await store.getChunk(contentId, index))?.byteLength).toBe(chunk.byteLength);
      }),
    );
    expect(store.writeTransactionCount - before).toBeLessThanOrEqual(2);
    expect(await store.listChunkIndices(contentId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [index, chunk] of chunks.entries()) {
      expect(await sha256Hex((await store.getChunk(contentId, index)) ?? new Uint8Array())).toBe(await sha256Hex(chunk));
    }
  });
});
