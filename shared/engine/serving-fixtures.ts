/** FOR TESTS: files stored chunk by chunk without shareFile, and originals in memory, for the
 * serving tests in Node (served-chunks.test.ts) and in Chromium (the browser's originals). */
import { chunkCount, chunkRange } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { sha256Hex } from '../content/sha256';
import type { Logger } from '../logging/logger';
import type { Manifest } from '../protocol/peer-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import type { OriginalFile } from './served-chunks';

/** Hashes `bytes` into a manifest of `chunkSizeBytes` chunks and stores every chunk and the record. */
export async function storeFileInChunks(store: ChunkStore, name: string, bytes: Uint8Array, chunkSizeBytes: number): Promise<FileRecord> {
  const chunks = chunksOf(bytes, chunkSizeBytes);
  const manifest: Manifest = { size: bytes.byteLength, chunkSizeBytes, chunkHashes: await Promise.all(chunks.map((chunk) => sha256Hex(chunk))) };
  const record: FileRecord = { contentId: await contentIdOf(manifest), name, mimeType: 'application/octet-stream', manifest, addedAtMs: 0 };
  for (const [index, chunk] of chunks.entries()) await store.putChunk(record.contentId, index, chunk);
  await store.putFile(record);
  return record;
}

export function chunksOf(bytes: Uint8Array, chunkSizeBytes: number): Uint8Array[] {
  const count = chunkCount(bytes.byteLength, chunkSizeBytes);
  return Array.from({ length: count }, (_, index) => {
    const { start, end } = chunkRange(bytes.byteLength, chunkSizeBytes, index);
    return bytes.slice(start, end);
  });
}

/** An original over bytes in memory, as a host would hand one to the engine. */
export function memoryOriginal(bytes: Uint8Array, version: string): OriginalFile {
  return { version, readSlice: async (start, end) => bytes.slice(start, end) };
}

/** A logger that keeps the warnings, so a test can check what serving handled quietly. */
export function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
}
