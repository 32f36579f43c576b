/**
 * Turns a local file into a shared one: cuts it into chunks, hashes them into a manifest whose hash
 * is the content id, and stores the chunks and the record so the file can be served. The file is
 * read once, chunk by chunk, never whole: each chunk is stored (staged) as soon as it is hashed, and
 * the staged chunks become the file's under its content id once the last one is hashed. The stored
 * bytes are the hashed bytes, so every chunk is verified before it counts.
 */
import { chunkCount, chunkLength, chunkSizeFor } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import { fileNameSchema } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord, StagedChunks } from './chunk-store';
import { realClock, type Clock } from './clock';
import { changedWhileReading, hashedChunksOf } from './hashed-chunks';
import { missingChunkIndices } from './stored-file';
import { SHARE_UNSTORED_BYTES_MAX } from './transfer-policy';

/** A file to share; the browser wraps a File, Node wraps the file system. */
export interface FileSource {
  name: string;
  size: number;
  mimeType: string;
  /** Bytes [start, end) of the file. */
  readSlice(start: number, end: number): Promise<Uint8Array>;
}

export interface ShareFileOptions {
  /** Called as chunks are stored; `bytesDone` reaches `totalBytes` (the file size) at the end. */
  onProgress?: (bytesDone: number, totalBytes: number) => void;
  /** When the file was added, for a new record (realClock when absent). */
  clock?: Clock;
}

export async function shareFile(source: FileSource, store: ChunkStore, options: ShareFileOptions = {}): Promise<FileRecord> {
  const name = fileNameSchema.safeParse(source.name);
  if (!name.success) throw new ShoalError('BAD_REQUEST', name.error.issues[0]?.message ?? 'The file name is not valid');
  if (!Number.isSafeInteger(source.size) || source.size < 0) {
    throw new ShoalError('BAD_REQUEST', `'${source.name}' has an impossible size (${source.size})`);
  }
  const size = source.size;
  const chunkSizeBytes = chunkSizeFor(size);

  const staged = await store.stageChunks();
  let isStagingOver = false;
  try {
    const chunkHashes = await stageEveryChunk(source, chunkSizeBytes, staged, options.onProgress);
    const manifest: Manifest = { size, chunkSizeBytes, chunkHashes };
    const contentId = await contentIdOf(manifest);
    const existing = await store.getFile(contentId);
    const isAlreadyComplete =
      existing !== undefined && (await missingChunkIndices(store, contentId, existing.manifest)).length === 0;
    // A complete copy stays as it is (it may be being served); else the staged chunks become the
    // file's, completing a download of the same file in progress if there is one.
    if (isAlreadyComplete) await staged.discard();
    else await staged.commit(contentId);
    isStagingOver = true;
    const record: FileRecord = {
      contentId,
      name: name.data,
      mimeType: source.mimeType || 'application/octet-stream',
      manifest,
      addedAtMs: existing?.addedAtMs ?? (options.clock ?? realClock).now(),
    };
    await store.putFile(record);
    options.onProgress?.(size, size);
    return record;
  } catch (error) {
    // Leave no staged chunks behind.
    if (!isStagingOver) await staged.discard().catch(() => {});
    throw error;
  }
}

/**
 * Stores each chunk as it arrives hashed, several writes in flight (SHARE_UNSTORED_BYTES_MAX) so the
 * store can batch them while the next chunks are read; returns the chunk hashes once all are stored.
 */
async function stageEveryChunk(
  source: FileSource,
  chunkSizeBytes: number,
  staged: StagedChunks,
  onProgress: ShareFileOptions['onProgress'],
): Promise<string[]> {
  const chunkHashes: string[] = [];
  const writes = new Set<Promise<void>>();
  let unstoredBytes = 0;
  let storedBytes = 0;
  try {
    for await (const { index, bytes, sha256 } of hashedChunksOf(source, chunkSizeBytes)) {
      if (index !== chunkHashes.length || bytes.byteLength !== chunkLength(source.size, chunkSizeBytes, index)) {
        throw changedWhileReading(source.name);
      }
      chunkHashes.push(sha256);
      while (unstoredBytes > 0 && unstoredBytes + bytes.byteLength > SHARE_UNSTORED_BYTES_MAX) await Promise.race(writes);
      const length = bytes.byteLength;
      unstoredBytes += length;
      const write = staged.putChunk(index, bytes).then(() => {
        unstoredBytes -= length;
        storedBytes += length;
        onProgress?.(storedBytes, source.size);
      });
      // A failed write stays in the set, so the next race (or the final wait) throws its error.
      writes.add(write);
      write.then(() => writes.delete(write), () => {});
    }
    await Promise.all(writes);
  } catch (error) {
    // No write may land after the caller discards the staging.
    await Promise.allSettled(writes);
    throw error;
  }
  if (chunkHashes.length !== chunkCount(source.size, chunkSizeBytes)) throw changedWhileReading(source.name);
  return chunkHashes;
}
