/**
 * Raw IndexedDB writes of chunk-sized Blobs, one record per chunk as the chunk store keeps them: the
 * baseline for sharing (`measureIdbWriteKept`, batched as sharing's writes are) and the budget's store
 * probe (cpu-budget/cost-probes.ts, one transaction per chunk) both write through `writeIdbChunks`.
 */
import type { Page } from 'playwright-core';
import { SHARE_UNSTORED_BYTES_MAX } from '../shared/engine/transfer-policy';

/**
 * Writes `totalBytes` in `chunkBytes` Blobs into the object store `chunks` of database `name` (made
 * if new), up to `batchBytes` of them per transaction, one transaction after another, and closes it;
 * returns the seconds the writes took in the page. The database stays.
 */
export async function writeIdbChunks(page: Page, name: string, totalBytes: number, chunkBytes: number, batchBytes = chunkBytes): Promise<number> {
  const chunksPerTransaction = Math.max(1, Math.floor(batchBytes / chunkBytes));
  return page.evaluate(
    async ({ name, totalBytes, chunkBytes, chunksPerTransaction }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name, 1);
        request.onupgradeneeded = () => request.result.createObjectStore('chunks');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const chunk = new Uint8Array(chunkBytes);
      for (let offset = 0; offset < chunkBytes; offset += 65_536) crypto.getRandomValues(chunk.subarray(offset, offset + 65_536));
      const started = performance.now();
      const chunkTotal = Math.ceil(totalBytes / chunkBytes);
      for (let first = 0; first < chunkTotal; first += chunksPerTransaction) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('chunks', 'readwrite');
          for (let index = first; index < Math.min(chunkTotal, first + chunksPerTransaction); index++) {
            // Fresh bytes per chunk so the browser cannot share one Blob's storage between records.
            chunk[0] = index & 0xff;
            chunk[1] = (index >> 8) & 0xff;
            tx.objectStore('chunks').put(new Blob([chunk]), index);
          }
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
      const seconds = (performance.now() - started) / 1000;
      db.close();
      return seconds;
    },
    { name, totalBytes, chunkBytes, chunksPerTransaction },
  );
}

export async function deleteIdb(page: Page, name: string): Promise<void> {
  await page.evaluate(async (name) => {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = resolve;
    });
  }, name);
}

/**
 * Baseline for sharing: raw IndexedDB write throughput (bytes/s) of the same bytes, as Blobs of one
 * chunk each, in transactions of as many bytes as sharing may have waiting to be stored: sharing's
 * store batches what waits into one transaction (client/adapters/idb-chunk-writes.ts); a baseline
 * of one transaction per chunk ran slower than sharing itself (1.38x at 1 GiB).
 *
 * The database stays until `remove` is called: measure this before the share and remove both after,
 * so that each writes into memory the machine has not just freed. On this VM new page-cache pages
 * cost 2.7 ms of kernel CPU per MiB, pages freed a moment ago 0.23 (dd, 256 MiB), so whichever ran
 * second, right after the other's data was deleted, was timed on the cheap pages.
 */
export async function measureIdbWriteKept(page: Page, totalBytes: number, chunkBytes: number): Promise<{ bytesPerSecond: number; remove(): Promise<void> }> {
  const name = `bench-idb-${Date.now()}`;
  const seconds = await writeIdbChunks(page, name, totalBytes, chunkBytes, SHARE_UNSTORED_BYTES_MAX);
  return { bytesPerSecond: totalBytes / seconds, remove: () => deleteIdb(page, name) };
}
