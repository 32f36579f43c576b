import { openPeer, test, expect } from './fixtures';
import { percentDone, search, setLimit, share, startDownload, transferRow, waitForPercent } from './peer-actions';
import { makeRandomFile } from './test-files';
import type { Page } from '@playwright/test';

const MiB = 1024 * 1024;

test('a download from three seeders completes when two of them close mid-transfer', async ({ peers }) => {
  const file = await makeRandomFile('three-seeders.bin', 16 * MiB);
  const [ana, bo, cy, dee] = await peers('ana', 'bo', 'cy', 'dee');
  for (const seeder of [ana, bo, cy]) {
    await share(seeder.page, file);
    // Slow enough that the seeders can be closed while the download runs (16 MiB at 1.5 MiB/s).
    await setLimit(seeder.page, 'Upload limit', 512);
  }

  await search(dee.page, 'three');
  await expect(dee.page.getByRole('list', { name: 'Search results' })).toContainText('3 peers');
  const saved = await startDownload(dee.page, file.name);
  await waitForPercent(dee.page, file.name, 15);
  await ana.close();
  await bo.close();
  expect(await percentDone(dee.page, file.name)).toBeLessThan(100);
  await setLimit(cy.page, 'Upload limit', 0);

  await expect(transferRow(dee.page, file.name)).toContainText('Completed', { timeout: 120_000 });
  expect(await saved.savedSha256()).toBe(file.sha256);
});

test('a peer still downloading serves the chunks it has to a third peer', async ({ browser, tracker, peers }) => {
  const file = await makeRandomFile('spreading.bin', 8 * MiB);
  const [ana, ben, cleo] = await peers('ana', 'ben', 'cleo');
  await share(ana.page, file);
  await setLimit(ana.page, 'Upload limit', 1024);

  // Ben gets part of the file, then pauses; Ana leaves. Only Ben's partial copy is left.
  await search(ben.page, 'spreading');
  const benSaved = await startDownload(ben.page, file.name);
  await waitForPercent(ben.page, file.name, 40);
  await transferRow(ben.page, file.name).getByRole('button', { name: 'Pause' }).click();
  await expect(transferRow(ben.page, file.name)).toContainText('Paused');
  const benPercent = await percentDone(ben.page, file.name);
  await ana.close();

  await search(cleo.page, 'spreading');
  await expect(cleo.page.getByRole('list', { name: 'Search results' })).toContainText('ben');
  const cleoSaved = await startDownload(cleo.page, file.name);
  // Everything Cleo gets now can only have come from Ben's partial copy.
  await waitForPercent(cleo.page, file.name, Math.min(benPercent, 35));
  await expect(transferRow(cleo.page, file.name)).toContainText('Waiting for a peer');

  // A complete copy comes back: both finish, byte for byte.
  const dora = await openPeer(browser, tracker.url, 'dora');
  await share(dora.page, file);
  await transferRow(ben.page, file.name).getByRole('button', { name: 'Resume' }).click();
  await expect(transferRow(cleo.page, file.name)).toContainText('Completed', { timeout: 120_000 });
  await expect(transferRow(ben.page, file.name)).toContainText('Completed', { timeout: 120_000 });
  expect(await cleoSaved.savedSha256()).toBe(file.sha256);
  expect(await benSaved.savedSha256()).toBe(file.sha256);
  await dora.close();
});

/** Overwrites every chunk a peer stored in IndexedDB with random bytes; returns how many. Chunks are
 * the keys [file key, index]; a shared file's redirect to them ([content id]) is left as it is. */
async function overwriteStoredChunks(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('shoal-chunks');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const request = db.transaction('chunks', 'readonly').objectStore('chunks').getAllKeys();
      request.onsuccess = () => resolve(request.result.filter((key) => Array.isArray(key) && typeof key[1] === 'number'));
    });
    const tx = db.transaction('chunks', 'readwrite');
    for (const key of keys) {
      const garbage = new Uint8Array(256 * 1024);
      crypto.getRandomValues(garbage.subarray(0, 65536));
      tx.objectStore('chunks').put(new Blob([garbage]), key);
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    return keys.length;
  });
}

test('a seeder whose stored chunks were overwritten with garbage cannot spoil a download', async ({ peers }) => {
  const file = await makeRandomFile('tampered.bin', 3 * MiB);
  const [mallory, honest, ben] = await peers('mallory', 'honest', 'ben');
  await share(mallory.page, file);
  // After a reload the original file is gone, so Mallory cannot repair her copy from it.
  await mallory.page.reload();
  await expect(mallory.page.getByRole('status')).toContainText('Online as mallory');
  expect(await overwriteStoredChunks(mallory.page)).toBeGreaterThan(0);
  await share(honest.page, file);

  await search(ben.page, 'tampered');
  await expect(ben.page.getByRole('list', { name: 'Search results' })).toContainText('2 peers');
  const saved = await startDownload(ben.page, file.name);
  await expect(transferRow(ben.page, file.name)).toContainText('Completed', { timeout: 60_000 });
  expect(await saved.savedSha256()).toBe(file.sha256);
});

test('a seeder that still has the original file repairs damaged stored chunks from it', async ({ peers }) => {
  const file = await makeRandomFile('repaired.bin', 2 * MiB);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);
  expect(await overwriteStoredChunks(ana.page)).toBeGreaterThan(0);

  await search(ben.page, 'repaired');
  const saved = await startDownload(ben.page, file.name);
  await expect(transferRow(ben.page, file.name)).toContainText('Completed', { timeout: 60_000 });
  expect(await saved.savedSha256()).toBe(file.sha256);
});
