/**
 * A byte range of a chunked file as a ReadableStream that reads one chunk per pull: the consumer's
 * backpressure decides how far ahead chunks are asked for, and cancelling the stream (a media
 * element that seeks drops its request) aborts the read under way.
 */
import { chunkLength } from '../../shared/content/chunking';

/** Reads one chunk's verified bytes; rejects when `signal` aborts. */
export type ReadChunk = (index: number, signal: AbortSignal) => Promise<Uint8Array>;

export interface ChunkRangeStreamOptions {
  sizeBytes: number;
  chunkSizeBytes: number;
  /** First and last byte, inclusive (as in Content-Range). */
  start: number;
  end: number;
  readChunk: ReadChunk;
}

export function chunkRangeStream({ sizeBytes, chunkSizeBytes, start, end, readChunk }: ChunkRangeStreamOptions): ReadableStream<Uint8Array> {
  let position = start;
  const cancelled = new AbortController();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (position > end) controller.close();
      },
      async pull(controller) {
        const index = Math.floor(position / chunkSizeBytes);
        const chunkStart = index * chunkSizeBytes;
        const bytes = await readChunk(index, cancelled.signal);
        const expectedBytes = chunkLength(sizeBytes, chunkSizeBytes, index);
        if (bytes.byteLength !== expectedBytes) {
          throw new Error(`Chunk ${index} has ${bytes.byteLength} bytes where ${expectedBytes} were expected`);
        }
        const until = Math.min(bytes.byteLength, end + 1 - chunkStart);
        controller.enqueue(bytes.subarray(position - chunkStart, until));
        position = chunkStart + until;
        if (position > end) controller.close();
      },
      cancel() {
        cancelled.abort();
      },
    },
    // One chunk read ahead of what the consumer took: the next one is on its way while this plays.
    { highWaterMark: 1 },
  );
}
