/**
 * Raw IndexedDB writes of chunk-sized Blobs, one record and one transaction per chunk as the chunk
 * store does: the baseline for sharing (`measureIdbWrite`) and the budget's store probe
 * (cpu-budget/cost-probes.ts) both write through `writeIdbChunks`.
 */
import type { Page } from 'playwright-core';

/**
 * Writes `totalBytes` in `chunkBytes` Blobs into the object store `chunks` of database `name` (made
 * if new) and closes it; returns the seconds the writes took in the page. The database stays.
 */
export async function writeIdbChunks(page: Page, name: string, totalBytes: number, chunkBytes: number): Promise<number> {
  return page.evaluate(
    async ({ name, totalBytes, chunkBytes }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name, 1);
        request.onupgradeneeded = () => request.result.createObjectStore('chunks');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const chunk = new Uint8Array(chunkBytes);
      for (let offset = 0; offset < chunkBytes; offset += 65_536) crypto.getRandomValues(chunk.subarray(offset, offset + 65_536));
      const started = performance.now();
      for (let index = 0; index * chunkBytes < totalBytes; index++) {
        // Fresh bytes per chunk so the browser cannot share one Blob's storage between records.
        chunk[0] = index & 0xff;
        chunk[1] = (index >> 8) & 0xff;
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('chunks', 'readwrite');
          tx.objectStore('chunks').put(new Blob([chunk]), index);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
      const seconds = (performance.now() - started) / 1000;
      db.close();
      return seconds;
    },
    { name, totalBytes, chunkBytes },
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

/** Baseline for sharing: raw IndexedDB write throughput (bytes/s) of the same bytes, as Blobs of one chunk each. */
export async function measureIdbWrite(page: Page, totalBytes: number, chunkBytes: number): Promise<number> {
  const name = `bench-idb-${Date.now()}`;
  const seconds = await writeIdbChunks(page, name, totalBytes, chunkBytes);
  await deleteIdb(page, name);
  return totalBytes / seconds;
}
