import { describe, expect, it } from 'vitest';
import { chunkCount, chunkLength, chunkRange, chunkSizeFor, MAX_CHUNKS_PER_FILE, MIN_CHUNK_SIZE_BYTES } from './chunking';

describe('chunking', () => {
  it('uses the smallest chunk size for small and empty files', () => {
    expect(chunkSizeFor(0)).toBe(MIN_CHUNK_SIZE_BYTES);
    expect(chunkSizeFor(1)).toBe(MIN_CHUNK_SIZE_BYTES);
    expect(chunkSizeFor(MIN_CHUNK_SIZE_BYTES * MAX_CHUNKS_PER_FILE)).toBe(MIN_CHUNK_SIZE_BYTES);
  });

  it('doubles the chunk size so a file never has more than MAX_CHUNKS_PER_FILE chunks', () => {
    const justOver = MIN_CHUNK_SIZE_BYTES * MAX_CHUNKS_PER_FILE + 1;
    expect(chunkSizeFor(justOver)).toBe(MIN_CHUNK_SIZE_BYTES * 2);
    for (const size of [justOver, 10 * 1024 ** 3, 100 * 1024 ** 3]) {
      expect(chunkCount(size, chunkSizeFor(size))).toBeLessThanOrEqual(MAX_CHUNKS_PER_FILE);
    }
  });

  it('counts a partial last chunk and no chunk for an empty file', () => {
    expect(chunkCount(0, 4)).toBe(0);
    expect(chunkCount(1, 4)).toBe(1);
    expect(chunkCount(4, 4)).toBe(1);
    expect(chunkCount(5, 4)).toBe(2);
  });

  it('gives contiguous ranges that cover the file exactly', () => {
    const size = 10;
    const chunkSize = 4;
    const ranges = Array.from({ length: chunkCount(size, chunkSize) }, (_, index) => chunkRange(size, chunkSize, index));
    expect(ranges).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    expect(chunkLength(size, chunkSize, 2)).toBe(2);
  });
});
