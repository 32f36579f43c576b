import { createHash, randomBytes } from 'node:crypto';
import { appendFile, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkRange, MIN_CHUNK_SIZE_BYTES as CHUNK } from '../../shared/content/chunking';
import { type FileRecord, shareFile } from '../../shared/engine';
import { MemoryChunkStore } from '../../shared/engine/testing';
import { tempDir } from '../test-support/temp-dir';
import { FsChunkStore, type FsChunkStoreOptions, type StaleFile } from './fs-chunk-store';

const KiB = 1024;

/** Every store a test opens, closed after it so no partial file is left open. */
const openStores: FsChunkStore[] = [];

async function openStore(options: FsChunkStoreOptions): Promise<FsChunkStore> {
  const store = await FsChunkStore.open(options);
  openStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
});

async function setup() {
  const dataDir = await tempDir();
  const downloadDir = await tempDir();
  const filesDir = await tempDir();
  const store = await openStore({ dataDir, downloadDir });
  return { dataDir, downloadDir, filesDir, store };
}

async function writeRandomFile(dir: string, name: string, size: number): Promise<{ filePath: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const filePath = path.join(dir, name);
  await writeFile(filePath, bytes);
  return { filePath, bytes };
}

/** What the browser's engine would make of the same bytes: the reference record and chunks. */
async function referenceShare(name: string, bytes: Buffer): Promise<{ record: FileRecord; chunks: MemoryChunkStore }> {
  const chunks = new MemoryChunkStore();
  const record = await shareFile(
    { name, size: bytes.byteLength, mimeType: 'application/octet-stream', readSlice: async (start, end) => bytes.subarray(start, end) },
    chunks,
  );
  return { record, chunks };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function staleEvents(store: FsChunkStore): StaleFile[] {
  const events: StaleFile[] = [];
  store.onStale((event) => events.push(event));
  return events;
}

describe('FsChunkStore: sharing in place', () => {
  it('serves chunks from the original file, with the content id the browser would compute, without copying it', async () => {
    const { dataDir, filesDir, store } = await setup();
    const { filePath, bytes } = await writeRandomFile(filesDir, 'report.pdf', 2 * CHUNK + CHUNK / 2 + 3);
    const record = await store.addFileInPlace(filePath);

    const reference = await referenceShare('report.pdf', bytes);
    expect(record.contentId).toBe(reference.record.contentId);
    expect(record.name).toBe('report.pdf');
    expect(record.mimeType).toBe('application/pdf');
    expect(await store.listChunkIndices(record.contentId)).toEqual([0, 1, 2]);
    for (const index of [0, 1, 2]) {
      const { start, end } = chunkRange(bytes.byteLength, record.manifest.chunkSizeBytes, index);
      expect(sha256((await store.getChunk(record.contentId, index))!)).toBe(sha256(bytes.subarray(start, end)));
    }
    expect(store.pathOf(record.contentId)).toBe(filePath);
    // Only small JSON records and the identity-free cache: nowhere near a copy of the file.
    expect(await bytesUnder(dataDir)).toBeLessThan(16 * KiB);
  });

  it('remembers shares across a restart and does not hash an unchanged file again', async () => {
    const { dataDir, downloadDir, filesDir, store } = await setup();
    const { filePath } = await writeRandomFile(filesDir, 'notes.txt', CHUNK + CHUNK / 8);
    const first = await store.addFileInPlace(filePath);

    const reopened = await openStore({ dataDir, downloadDir });
    expect((await reopened.getFile(first.contentId))?.name).toBe('notes.txt');
    await reopened.deleteFile(first.contentId);
    let hashedBytes = 0;
    const again = await reopened.addFileInPlace(filePath, { onProgress: (done) => (hashedBytes = done) });
    expect(again.contentId).toBe(first.contentId);
    expect(hashedBytes).toBe(0);
  });

  it('drops a file that changed on disk instead of serving the new bytes, and reports it', async () => {
    const { filesDir, store } = await setup();
    const { filePath, bytes } = await writeRandomFile(filesDir, 'draft.doc', CHUNK + CHUNK / 2);
    const record = await store.addFileInPlace(filePath);
    const events = staleEvents(store);

    const changed = Buffer.from(bytes);
    changed[10] = (changed[10] ?? 0) ^ 0xff;
    await writeFile(filePath, changed);
    await utimes(filePath, new Date(), new Date(Date.now() + 5_000));

    expect(await store.getChunk(record.contentId, 0)).toBeUndefined();
    expect(await store.getFile(record.contentId)).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ reason: 'changed', path: filePath })]);
    // Sharing it again describes the new bytes.
    const reshared = await store.addFileInPlace(filePath);
    expect(reshared.contentId).toBe((await referenceShare('draft.doc', changed)).record.contentId);
  });

  it('drops a file that vanished when the files are checked', async () => {
    const { filesDir, store } = await setup();
    const { filePath } = await writeRandomFile(filesDir, 'gone.bin', 10 * KiB);
    const record = await store.addFileInPlace(filePath);
    const events = staleEvents(store);

    await rm(filePath);
    await store.checkFiles();

    expect(events).toEqual([expect.objectContaining({ reason: 'vanished', path: filePath })]);
    expect(await store.listFiles()).toEqual([]);
    expect(await store.getChunk(record.contentId, 0)).toBeUndefined();
  });

  it('forgets a share without touching the file on disk', async () => {
    const { filesDir, store } = await setup();
    const { filePath, bytes } = await writeRandomFile(filesDir, 'keep.bin', 5 * KiB);
    const record = await store.addFileInPlace(filePath);
    await store.deleteFile(record.contentId);
    expect(await store.getFile(record.contentId)).toBeUndefined();
    expect(sha256(await readFile(filePath))).toBe(sha256(bytes));
  });

  it('refuses a path that is not a file', async () => {
    const { filesDir, store } = await setup();
    await expect(store.addFileInPlace(path.join(filesDir, 'missing.txt'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(store.addFileInPlace(filesDir)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('FsChunkStore: downloads', () => {
  it('writes chunks into a partial file, keeps them across a restart, and renames the file when complete', async () => {
    const { dataDir, downloadDir, store } = await setup();
    const bytes = randomBytes(3 * CHUNK + CHUNK / 2);
    const { record, chunks } = await referenceShare('video.mp4', bytes);

    await store.putFile(record);
    await store.putChunk(record.contentId, 2, (await chunks.getChunk(record.contentId, 2))!);
    await store.putChunk(record.contentId, 0, (await chunks.getChunk(record.contentId, 0))!);
    expect(await readdir(downloadDir)).toEqual(['video.mp4.shoal-partial']);
    // What is verified so far is served to other peers.
    expect(sha256((await store.getChunk(record.contentId, 2))!)).toBe(sha256((await chunks.getChunk(record.contentId, 2))!));
    expect(await store.getChunk(record.contentId, 1)).toBeUndefined();

    // As after kill -9: a new store on the same folders.
    const resumed = await openStore({ dataDir, downloadDir });
    expect(await resumed.listChunkIndices(record.contentId)).toEqual([0, 2]);
    for (const index of [1, 3]) await resumed.putChunk(record.contentId, index, (await chunks.getChunk(record.contentId, index))!);
    const finalPath = await resumed.finishDownload(record.contentId);

    expect(finalPath).toBe(path.join(downloadDir, 'video.mp4'));
    expect(await readdir(downloadDir)).toEqual(['video.mp4']);
    expect(sha256(await readFile(finalPath))).toBe(sha256(bytes));
    expect(resumed.pathOf(record.contentId)).toBe(finalPath);
    expect(await resumed.listChunkIndices(record.contentId)).toEqual([0, 1, 2, 3]);
  });

  it('after a crash, keeps only the chunks that still verify and ignores a torn journal line', async () => {
    const { dataDir, downloadDir, store } = await setup();
    const bytes = randomBytes(3 * CHUNK + CHUNK / 8);
    const { record, chunks } = await referenceShare('archive.zip', bytes);
    await store.putFile(record);
    for (const index of [0, 1, 2]) await store.putChunk(record.contentId, index, (await chunks.getChunk(record.contentId, index))!);
    await store.close();

    // Chunk 1 damaged on disk, and a half-written journal line for chunk 3.
    const partialPath = path.join(downloadDir, 'archive.zip.shoal-partial');
    const partial = await readFile(partialPath);
    partial[record.manifest.chunkSizeBytes + 5] = (partial[record.manifest.chunkSizeBytes + 5] ?? 0) ^ 1;
    await writeFile(partialPath, partial);
    await appendFile(path.join(dataDir, 'library', `${record.contentId}.chunks`), '3');

    const resumed = await openStore({ dataDir, downloadDir });
    expect(await resumed.listChunkIndices(record.contentId)).toEqual([0, 2]);
  });

  it('never replaces an existing file: a taken name gets a number', async () => {
    const { downloadDir, store } = await setup();
    await writeFile(path.join(downloadDir, 'report.pdf'), 'someone else’s report');
    const { record, chunks } = await referenceShare('report.pdf', randomBytes(1000));
    await store.putFile(record);
    await store.putChunk(record.contentId, 0, (await chunks.getChunk(record.contentId, 0))!);
    const finalPath = await store.finishDownload(record.contentId);
    expect(path.basename(finalPath)).toBe('report (1).pdf');
    expect(await readFile(path.join(downloadDir, 'report.pdf'), 'utf8')).toBe('someone else’s report');
  });

  it('writes a download whose name tries to escape inside the downloads folder', async () => {
    const { downloadDir, store } = await setup();
    const { record, chunks } = await referenceShare('x', randomBytes(100));
    const hostile = { ...record, name: '../../../tmp/evil.sh' };
    await store.putFile(hostile);
    await store.putChunk(record.contentId, 0, (await chunks.getChunk(record.contentId, 0))!);
    const finalPath = await store.finishDownload(record.contentId);
    expect(path.dirname(finalPath)).toBe(downloadDir);
    expect(path.basename(finalPath)).toBe('_.._.._tmp_evil.sh');
  });

  it('finishes an empty file', async () => {
    const { downloadDir, store } = await setup();
    const { record } = await referenceShare('empty.txt', Buffer.alloc(0));
    await store.putFile(record);
    const finalPath = await store.finishDownload(record.contentId);
    expect(finalPath).toBe(path.join(downloadDir, 'empty.txt'));
    expect((await stat(finalPath)).size).toBe(0);
  });

  it('deletes a partial download with its journal', async () => {
    const { dataDir, downloadDir, store } = await setup();
    const { record, chunks } = await referenceShare('cancelled.bin', randomBytes(CHUNK + CHUNK / 8));
    await store.putFile(record);
    await store.putChunk(record.contentId, 0, (await chunks.getChunk(record.contentId, 0))!);
    await store.deleteFile(record.contentId);
    expect(await readdir(downloadDir)).toEqual([]);
    expect(await readdir(path.join(dataDir, 'library'))).toEqual([]);
  });
});
