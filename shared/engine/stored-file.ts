/** Questions about a file in a ChunkStore: which chunks are missing, is it complete, its bytes in order. */
import { chunkCount } from '../content/chunking';
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';

/** Indices of the chunks of the file that the store does not hold, ascending. */
export async function missingChunkIndices(store: ChunkStore, contentId: string, manifest: Manifest): Promise<number[]> {
  const held = new Set(await store.listChunkIndices(contentId));
  const count = chunkCount(manifest.size, manifest.chunkSizeBytes);
  const missing: number[] = [];
  for (let index = 0; index < count; index += 1) if (!held.has(index)) missing.push(index);
  return missing;
}

export async function isStoredFileComplete(store: ChunkStore, contentId: string): Promise<boolean> {
  const record = await store.getFile(contentId);
  return record !== undefined && (await missingChunkIndices(store, contentId, record.manifest)).length === 0;
}

/**
 * The file's chunks in order, one at a time, so a caller can build a Blob or write a stream without
 * holding the file twice. Throws FILE_NOT_FOUND if the file or a chunk is missing.
 */
export async function* readStoredChunks(store: ChunkStore, contentId: string): AsyncGenerator<Uint8Array> {
  const record = await store.getFile(contentId);
  if (record === undefined) throw new ShoalError('FILE_NOT_FOUND', 'The file is not stored on this device');
  const count = chunkCount(record.manifest.size, record.manifest.chunkSizeBytes);
  for (let index = 0; index < count; index += 1) {
    const bytes = await store.getChunk(contentId, index);
    if (bytes === undefined) {
      throw new ShoalError('FILE_NOT_FOUND', `'${record.name}' is incomplete on this device (chunk ${index} is missing)`);
    }
    yield bytes;
  }
}
