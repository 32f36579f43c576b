/**
 * Both ends of a media file's chunk channel, the service worker's (PortChunkReader) and the page's
 * (answerChunkRequests), over a real MessageChannel (Node's, which speaks the same protocol).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PortChunkReader } from '../service-worker/port-chunk-reader';
import { answerChunkRequests, type ReadFileChunk } from './chunk-responder';

const CHUNK_COUNT = 4;

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function connect(readChunk: ReadFileChunk): PortChunkReader {
  const channel = new MessageChannel();
  const stopAnswering = answerChunkRequests(channel.port1, CHUNK_COUNT, readChunk);
  const reader = new PortChunkReader(channel.port2);
  cleanups.push(stopAnswering, () => reader.close());
  return reader;
}

describe('the chunk channel between the service worker and the page', () => {
  it('brings the bytes the page read for the chunk asked for', async () => {
    const reader = connect(async (index) => Uint8Array.of(index, index + 1, index + 2));
    const signal = new AbortController().signal;
    expect(await reader.read(2, signal)).toEqual(Uint8Array.of(2, 3, 4));
    expect(await reader.read(0, signal)).toEqual(Uint8Array.of(0, 1, 2));
  });

  it('sends a copy, so the page’s own buffer (which a store may keep) is left whole', async () => {
    const kept = Uint8Array.of(7, 7, 7, 7);
    const reader = connect(async () => kept.subarray(1, 3));
    expect(await reader.read(1, new AbortController().signal)).toEqual(Uint8Array.of(7, 7));
    expect(kept.byteLength).toBe(4);
  });

  it('aborts the page’s read when the worker no longer wants the chunk', async () => {
    let pageSignal: AbortSignal | undefined;
    const reader = connect(
      (_index, signal) =>
        new Promise<Uint8Array>(() => {
          pageSignal = signal;
        }),
    );
    const wanted = new AbortController();
    const reading = reader.read(3, wanted.signal);
    await expect.poll(() => pageSignal).toBeDefined();
    wanted.abort();
    await expect(reading).rejects.toThrow('no longer needs');
    await expect.poll(() => pageSignal?.aborted).toBe(true);
  });

  it('passes on why the page could not read a chunk, and refuses an index past the file', async () => {
    const reader = connect(async () => {
      throw new Error("No peer holding 'film.webm' is online");
    });
    const signal = new AbortController().signal;
    await expect(reader.read(1, signal)).rejects.toThrow("No peer holding 'film.webm' is online");
    await expect(reader.read(CHUNK_COUNT, signal)).rejects.toThrow(`This file has no chunk ${CHUNK_COUNT}`);
  });
});
