import { describe, expect, it } from 'vitest';
import { ChunkBufferPool } from './chunk-buffer-pool';
import { CHUNK_BUFFERS_KEPT_BYTES } from './transfer-policy';

const CHUNK = 1024 * 1024;

describe('ChunkBufferPool', () => {
  it('hands a returned chunk buffer out again instead of allocating', () => {
    const pool = new ChunkBufferPool(CHUNK);
    const first = pool.take(CHUNK);
    expect(first.byteLength).toBe(CHUNK);
    pool.give(first);
    expect(pool.take(CHUNK)).toBe(first);
    expect(pool.take(CHUNK)).not.toBe(first);
  });

  it("allocates a file's shorter last chunk fresh and does not keep it", () => {
    const pool = new ChunkBufferPool(CHUNK);
    const last = pool.take(1000);
    expect(last.byteLength).toBe(1000);
    pool.give(last);
    expect(pool.take(CHUNK).byteLength).toBe(CHUNK);
    expect(pool.take(1000)).not.toBe(last);
  });

  it('keeps a buffer handed back twice only once, so two chunks never share it', () => {
    const pool = new ChunkBufferPool(CHUNK);
    const buffer = pool.take(CHUNK);
    pool.give(buffer);
    pool.give(buffer);
    const [a, b] = [pool.take(CHUNK), pool.take(CHUNK)];
    expect(a).toBe(buffer);
    expect(b).not.toBe(buffer);
  });

  it('keeps at most CHUNK_BUFFERS_KEPT_BYTES of free buffers', () => {
    const pool = new ChunkBufferPool(CHUNK);
    const count = CHUNK_BUFFERS_KEPT_BYTES / CHUNK + 3;
    const buffers = Array.from({ length: count }, () => pool.take(CHUNK));
    for (const buffer of buffers) pool.give(buffer);
    const again = new Set(Array.from({ length: count }, () => pool.take(CHUNK)));
    expect(buffers.filter((buffer) => again.has(buffer))).toHaveLength(CHUNK_BUFFERS_KEPT_BYTES / CHUNK);
  });
});
