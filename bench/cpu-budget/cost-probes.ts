/**
 * Costs the profile cannot split out, measured apart in the same browsers: what hashing a MiB with
 * WebCrypto costs (the digest runs off the main thread), and what writing a MiB to IndexedDB as
 * chunk-sized Blobs and reading it back cost (mostly in the browser process). Each is the CPU of
 * every process of the browser while the page does only that, so it is the floor for that step;
 * with a count of the bytes the app hashed per MiB moved, it says what each step of the budget costs.
 */
import type { Page } from 'playwright-core';
import { deleteIdb, writeIdbChunks } from '../idb-write';
import type { BrowserProcess } from './process-tree';
import { processesCpuMs } from './thread-cpu';

const MiB = 1024 * 1024;

interface DigestCount {
  bytes: number;
  calls: number;
}

/** From now on the page counts what it hands to SubtleCrypto.digest (wrapped once; the count starts at 0). */
export async function startCountingDigests(page: Page): Promise<void> {
  await page.evaluate(() => {
    const counted = window as { budgetDigests?: DigestCount };
    if (counted.budgetDigests === undefined) {
      const digest = SubtleCrypto.prototype.digest;
      SubtleCrypto.prototype.digest = function (this: SubtleCrypto, algorithm: AlgorithmIdentifier, data: BufferSource) {
        const count = (window as { budgetDigests?: DigestCount }).budgetDigests;
        if (count !== undefined) {
          count.bytes += data.byteLength;
          count.calls += 1;
        }
        return digest.call(this, algorithm, data);
      };
    }
    counted.budgetDigests = { bytes: 0, calls: 0 };
  });
}

export async function digestedBytes(page: Page): Promise<number> {
  return page.evaluate(() => (window as { budgetDigests?: DigestCount }).budgetDigests?.bytes ?? 0);
}

/** CPU ms per MiB hashed: SHA-256 of `totalBytes` in `chunkBytes` pieces, one after another as the app does. */
export async function probeDigestCost(page: Page, processes: readonly BrowserProcess[], totalBytes: number, chunkBytes: number): Promise<number> {
  const before = await processesCpuMs(processes);
  await page.evaluate(
    async ({ totalBytes, chunkBytes }) => {
      const chunk = new Uint8Array(chunkBytes);
      for (let offset = 0; offset < chunkBytes; offset += 65_536) crypto.getRandomValues(chunk.subarray(offset, offset + 65_536));
      for (let done = 0; done < totalBytes; done += chunkBytes) await crypto.subtle.digest('SHA-256', chunk);
    },
    { totalBytes, chunkBytes },
  );
  return ((await processesCpuMs(processes)) - before) / (totalBytes / MiB);
}

/**
 * CPU ms per MiB written to IndexedDB as one Blob record per chunk, one transaction each (as the
 * chunk store does; the same write loop as the sharing baseline, bench/idb-write.ts), and per MiB
 * read back (get, then Blob.arrayBuffer, as serving does).
 */
export async function probeStoreCost(
  page: Page,
  processes: readonly BrowserProcess[],
  totalBytes: number,
  chunkBytes: number,
): Promise<{ writeMsPerMiB: number; readMsPerMiB: number }> {
  const name = `bench-budget-idb-${Date.now()}`;
  const chunks = Math.ceil(totalBytes / chunkBytes);
  const beforeWrite = await processesCpuMs(processes);
  await writeIdbChunks(page, name, chunks * chunkBytes, chunkBytes);
  const beforeRead = await processesCpuMs(processes);
  await page.evaluate(
    async ({ name, chunks }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name, 1);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (let index = 0; index < chunks; index++) {
        const blob = await new Promise<Blob>((resolve, reject) => {
          const request = db.transaction('chunks', 'readonly').objectStore('chunks').get(index);
          request.onsuccess = () => resolve(request.result as Blob);
          request.onerror = () => reject(request.error);
        });
        await blob.arrayBuffer();
      }
      db.close();
    },
    { name, chunks },
  );
  const afterRead = await processesCpuMs(processes);
  await deleteIdb(page, name);
  const mib = (chunks * chunkBytes) / MiB;
  return { writeMsPerMiB: (beforeRead - beforeWrite) / mib, readMsPerMiB: (afterRead - beforeRead) / mib };
}
