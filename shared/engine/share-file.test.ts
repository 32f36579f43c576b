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

  it('refuses a file that changes while it is being read, and leaves no chunks behind', async () => {
    const bytes = randomBytes(CHUNK * 2);
    const store = new MemoryChunkStore();
    const source = memorySource('moving.bin', bytes);
    const readSlice = source.readSlice.bind(source);
    let reads = 0;
    source.readSlice = async (start, end) => {
      reads += 1;
      const slice = await readSlice(start, end);
      if (reads === 4) slice[0] = (slice[0] ?? 0) ^ 1; // the second pass sees a different second chunk
      return slice;
    };
    const error = await rejectionOf(shareFile(source, store));
    expect(error).toBeInstanceOf(ShoalError);
    expect((error as ShoalError).message).toContain("'moving.bin' changed while it was being read");
    expect(await store.listFiles()).toEqual([]);
    const intact = await shareFile(memorySource('moving.bin', bytes), new MemoryChunkStore());
    expect(await store.listChunkIndices(intact.contentId)).toEqual([]);
  });

  it('refuses a name with control characters before reading anything', async () => {
    const source = memorySource('bad\u0007name', randomBytes(10));
    const error = await rejectionOf(shareFile(source, new MemoryChunkStore()));
    expect((error as ShoalError).code).toBe('BAD_REQUEST');
    expect(source.readSizes).toEqual([]);
  });
});
