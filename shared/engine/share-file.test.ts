import { describe, expect, it } from 'vitest';
import { chunkCount, MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { ShoalError } from '../protocol/errors';
import { MemoryChunkStore } from './memory-chunk-store';
import { shareFile } from './share-file';
import { memorySource, randomBytes, readStoredFile, rejectionOf, sha256Of } from './test-fixtures';

const CHUNK = MIN_CHUNK_SIZE_BYTES;

describe('shareFile', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['one byte short of a chunk', CHUNK - 1],
    ['exactly one chunk', CHUNK],
    ['one byte over a chunk', CHUNK + 1],
    ['a few MiB', 3 * 1024 * 1024 + 12_345],
  ])('stores a %s file as verified chunks under its content id', async (_label, size) => {
    const bytes = randomBytes(size);
    const store = new MemoryChunkStore();
    const record = await shareFile(memorySource('report.pdf', bytes, 'application/pdf'), store);

    expect(record.name).toBe('report.pdf');
    expect(record.mimeType).toBe('application/pdf');
    expect(record.manifest.size).toBe(size);
    expect(record.manifest.chunkSizeBytes).toBe(CHUNK);
    expect(record.manifest.chunkHashes).toHaveLength(chunkCount(size, CHUNK));
    expect(record.contentId).toBe(await contentIdOf(record.manifest));
    expect(await store.getFile(record.contentId)).toEqual(record);
    expect(await store.listChunkIndices(record.contentId)).toEqual([...record.manifest.chunkHashes.keys()]);
    expect(await sha256Of(await readStoredFile(store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('gives the same bytes the same content id whatever the name', async () => {
    const bytes = randomBytes(CHUNK * 2 + 7);
    const first = await shareFile(memorySource('a.bin', bytes), new MemoryChunkStore());
    const second = await shareFile(memorySource('b.bin', bytes.slice()), new MemoryChunkStore());
    expect(second.contentId).toBe(first.contentId);
  });

  it('reads the file one chunk at a time, never whole', async () => {
    const source = memorySource('big.bin', randomBytes(CHUNK * 4));
    await shareFile(source, new MemoryChunkStore());
    expect(Math.max(...source.readSizes)).toBe(CHUNK);
  });

  it('reports progress that rises to the file size', async () => {
    const size = CHUNK * 3 + 5;
    const reports: number[] = [];
    await shareFile(memorySource('progress.bin', randomBytes(size)), new MemoryChunkStore(), {
      onProgress: (bytesDone, totalBytes) => {
        expect(totalBytes).toBe(size);
        reports.push(bytesDone);
      },
    });
    expect(reports.at(-1)).toBe(size);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
  });

  it('reads the file once: one read per chunk, each byte once', async () => {
    const size = CHUNK * 3 + 77;
    const source = memorySource('once.bin', randomBytes(size));
    await shareFile(source, new MemoryChunkStore());
    expect(source.readSizes).toHaveLength(4);
    expect(source.readSizes.reduce((sum, bytes) => sum + bytes, 0)).toBe(size);
  });

  it('refuses a file that changes size while it is being read, and leaves no chunks behind', async () => {
    const bytes = randomBytes(CHUNK * 2);
    const store = new MemoryChunkStore();
    const source = memorySource('moving.bin', bytes);
    const readSlice = source.readSlice.bind(source);
    let reads = 0;
    source.readSlice = async (start, end) => {
      reads += 1;
      const slice = await readSlice(start, end);
      return reads === 2 ? slice.subarray(0, slice.byteLength - 1) : slice; // the file was cut short
    };
    const error = await rejectionOf(shareFile(source, store));
    expect(error).toBeInstanceOf(ShoalError);
    expect((error as ShoalError).message).toContain("'moving.bin' changed while it was being read");
    expect(await store.listFiles()).toEqual([]);
    expect(store.openStagings).toBe(0);
    const intact = await shareFile(memorySource('moving.bin', bytes), new MemoryChunkStore());
    expect(await store.listChunkIndices(intact.contentId)).toEqual([]);
  });

  it('stops when a chunk cannot be stored (a full disk), with the store\'s error, and leaves no staging open', async () => {
    const store = new MemoryChunkStore();
    const stageChunks = store.stageChunks.bind(store);
    const diskFull = new ShoalError('QUOTA_EXCEEDED', 'The disk is full');
    store.stageChunks = async () => {
      const staged = await stageChunks();
      return { ...staged, putChunk: async (index, bytes) => (index === 2 ? Promise.reject(diskFull) : staged.putChunk(index, bytes)) };
    };
    const error = await rejectionOf(shareFile(memorySource('full.bin', randomBytes(CHUNK * 5)), store));
    expect(error).toBe(diskFull);
    expect(store.openStagings).toBe(0);
    expect(await store.listFiles()).toEqual([]);
  });

  it('completes a download of the same file in progress, and keeps a complete copy as it is', async () => {
    const bytes = randomBytes(CHUNK * 3);
    const store = new MemoryChunkStore();
    const reference = await shareFile(memorySource('same.bin', bytes), new MemoryChunkStore());
    await store.putFile(reference);
    await store.putChunk(reference.contentId, 1, bytes.slice(CHUNK, 2 * CHUNK));
    const shared = await shareFile(memorySource('same.bin', bytes), store);
    expect(await store.listChunkIndices(shared.contentId)).toEqual([0, 1, 2]);
    const complete = await store.getChunk(shared.contentId, 0);
    await shareFile(memorySource('same.bin', bytes), store);
    expect(await store.getChunk(shared.contentId, 0)).toBe(complete); // the same stored copy, not a new one
    expect(store.openStagings).toBe(0);
    expect(await sha256Of(await readStoredFile(store, shared.contentId))).toBe(await sha256Of(bytes));
  });

  it('refuses a name with control characters before reading anything', async () => {
    const source = memorySource('bad\u0007name', randomBytes(10));
    const error = await rejectionOf(shareFile(source, new MemoryChunkStore()));
    expect((error as ShoalError).code).toBe('BAD_REQUEST');
    expect(source.readSizes).toEqual([]);
  });
});
