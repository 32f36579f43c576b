import { describe, expect, it } from 'vitest';
import { chunkRangeStream } from './chunk-range-stream';

const CHUNK = 1000;
const SIZE = 4500; // chunks 0..3 full, chunk 4 of 500 bytes

/** The file's bytes: byte i is i mod 251, so any slice shows where it came from. */
const fileBytes = Uint8Array.from({ length: SIZE }, (_, i) => i % 251);

function chunkBytes(index: number): Uint8Array {
  return fileBytes.slice(index * CHUNK, Math.min((index + 1) * CHUNK, SIZE));
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}

describe('chunkRangeStream', () => {
  it('gives exactly the bytes of a range that starts and ends inside chunks, reading only the chunks it spans', async () => {
    const asked: number[] = [];
    const stream = chunkRangeStream({
      sizeBytes: SIZE,
      chunkSizeBytes: CHUNK,
      start: 1500,
      end: 3200,
      readChunk: async (index) => {
        asked.push(index);
        return chunkBytes(index);
      },
    });
    expect(await readAll(stream)).toEqual(fileBytes.slice(1500, 3201));
    expect(asked).toEqual([1, 2, 3]);
  });

  it('gives the whole file including a short last chunk', async () => {
    const stream = chunkRangeStream({ sizeBytes: SIZE, chunkSizeBytes: CHUNK, start: 0, end: SIZE - 1, readChunk: async (index) => chunkBytes(index) });
    expect(await readAll(stream)).toEqual(fileBytes);
  });

  it('reads ahead by one chunk only, so a consumer that stops reading stops the fetching', async () => {
    const asked: number[] = [];
    const stream = chunkRangeStream({
      sizeBytes: SIZE,
      chunkSizeBytes: CHUNK,
      start: 0,
      end: SIZE - 1,
      readChunk: async (index) => {
        asked.push(index);
        return chunkBytes(index);
      },
    });
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual(chunkBytes(0));
    // Let the stream fill its queue as far as it wants to.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(asked).toEqual([0, 1]);
    await reader.cancel();
  });

  it('aborts the read under way when the consumer cancels (a seek drops its request)', async () => {
    let abortedIndex: number | undefined;
    let startedSecondRead: () => void = () => undefined;
    const secondReadStarted = new Promise<void>((resolve) => (startedSecondRead = resolve));
    const stream = chunkRangeStream({
      sizeBytes: SIZE,
      chunkSizeBytes: CHUNK,
      start: 0,
      end: SIZE - 1,
      readChunk: (index, signal) => {
        if (index === 0) return Promise.resolve(chunkBytes(0));
        startedSecondRead();
        return new Promise<Uint8Array>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            abortedIndex = index;
            reject(signal.reason);
          });
        });
      },
    });
    const reader = stream.getReader();
    await reader.read();
    await secondReadStarted;
    expect(abortedIndex).toBeUndefined();
    await reader.cancel();
    expect(abortedIndex).toBe(1);
  });

  it('errors instead of passing on a chunk of the wrong length', async () => {
    const stream = chunkRangeStream({ sizeBytes: SIZE, chunkSizeBytes: CHUNK, start: 0, end: SIZE - 1, readChunk: async () => new Uint8Array(10) });
    await expect(readAll(stream)).rejects.toThrow('Chunk 0 has 10 bytes where 1000 were expected');
  });
});
