/**
 * A file's chunks in order, each with its SHA-256, read once: the next chunks are read and hashed
 * while the caller stores the current one (WebCrypto hashes off the page's main thread already).
 * Hashing in a dedicated worker was measured (issue 16) and cost more CPU per MiB than this:
 * 14-21 against 11-14 ms per MiB shared in Chromium, with fewer writes batched.
 */
import { chunkCount, chunkRange } from '../content/chunking';
import { sha256Hex } from '../content/sha256';
import { ShoalError } from '../protocol/errors';

export interface HashedChunk {
  index: number;
  bytes: Uint8Array;
  /** SHA-256 of `bytes`, lowercase hex. */
  sha256: string;
}

/** What hashedChunksOf needs of a file. */
export interface SliceReader {
  name: string;
  size: number;
  /** Bytes [start, end) of the file. */
  readSlice(start: number, end: number): Promise<Uint8Array>;
}

/** Chunks read and hashed ahead of the one being stored: one is read while another is hashed. */
const CHUNKS_AHEAD = 2;

export async function* hashedChunksOf(source: SliceReader, chunkSizeBytes: number): AsyncGenerator<HashedChunk> {
  const count = chunkCount(source.size, chunkSizeBytes);
  const pending: Promise<HashedChunk>[] = [];
  let nextIndex = 0;
  const startNext = (): void => {
    const index = nextIndex++;
    const chunk = readChunk(source, chunkSizeBytes, index).then(async (bytes) => ({ index, bytes, sha256: await sha256Hex(bytes) }));
    // A chunk read ahead may fail while the caller is busy; the failure is still seen when awaited.
    chunk.catch(() => {});
    pending.push(chunk);
  };
  while (nextIndex < count && pending.length < CHUNKS_AHEAD) startNext();
  for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift()) {
    const hashed = await chunk;
    if (nextIndex < count) startNext();
    yield hashed;
  }
}

async function readChunk(source: SliceReader, chunkSizeBytes: number, index: number): Promise<Uint8Array> {
  const { start, end } = chunkRange(source.size, chunkSizeBytes, index);
  const bytes = await source.readSlice(start, end);
  if (bytes.byteLength !== end - start) throw changedWhileReading(source.name);
  return bytes;
}

export function changedWhileReading(fileName: string): ShoalError {
  return new ShoalError('BAD_REQUEST', `'${fileName}' changed while it was being read; share it again`);
}
