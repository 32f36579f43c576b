/**
 * Turns a local file into a shared one: cuts it into chunks, hashes them into a manifest whose hash
 * is the content id, and stores the chunks and the record so the file can be served. The file is
 * read chunk by chunk, never whole. It is read twice, because chunks are stored under the content
 * id, which is known only once every chunk is hashed; the second pass also catches a file that
 * changed in between.
 */
import { chunkCount, chunkRange, chunkSizeFor } from '../content/chunking';
import { contentIdOf, isChunkValid } from '../content/manifest';
import { sha256Hex } from '../content/sha256';
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import { fileNameSchema } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import { realClock, type Clock } from './clock';
import { missingChunkIndices } from './stored-file';

/** A file to share; the browser wraps a File, Node wraps the file system. */
export interface FileSource {
  name: string;
  size: number;
  mimeType: string;
  /** Bytes [start, end) of the file. */
  readSlice(start: number, end: number): Promise<Uint8Array>;
}

export interface ShareFileOptions {
  /** Called after each chunk of each pass; `bytesDone` reaches `totalBytes` (the file size) at the end. */
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
  // Each byte is counted half when hashed and half when stored, so one progress bar covers both passes.
  let workBytes = 0;
  const report = (bytes: number): void => {
    workBytes += bytes;
    options.onProgress?.(Math.floor(workBytes / 2), size);
  };

  const chunkHashes: string[] = [];
  await forEachChunk(source, chunkSizeBytes, async (_index, bytes) => {
    chunkHashes.push(await sha256Hex(bytes));
    report(bytes.byteLength);
  });
  const manifest: Manifest = { size, chunkSizeBytes, chunkHashes };
  const contentId = await contentIdOf(manifest);

  const existing = await store.getFile(contentId);
  const isAlreadyComplete =
    existing !== undefined && (await missingChunkIndices(store, contentId, existing.manifest)).length === 0;
  if (!isAlreadyComplete) {
    try {
      await forEachChunk(source, chunkSizeBytes, async (index, bytes) => {
        if (!(await isChunkValid(manifest, index, bytes))) throw changedWhileReading(source.name);
        await store.putChunk(contentId, index, bytes);
        report(bytes.byteLength);
      });
    } catch (error) {
      // Leave no orphan chunks behind, unless they belong to a download of the same file in progress.
      if (existing === undefined) await store.deleteFile(contentId).catch(() => {});
      throw error;
    }
  }
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
}

/** Visits the chunks in order, reading the next one while the current one is being visited. */
async function forEachChunk(
  source: FileSource,
  chunkSizeBytes: number,
  visit: (index: number, bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const count = chunkCount(source.size, chunkSizeBytes);
  const read = (index: number): Promise<Uint8Array> => {
    const { start, end } = chunkRange(source.size, chunkSizeBytes, index);
    const reading = source.readSlice(start, end).then((bytes) => {
      if (bytes.byteLength !== end - start) throw changedWhileReading(source.name);
      return bytes;
    });
    // The read-ahead may fail while we are busy; the failure is still seen when it is awaited.
    reading.catch(() => {});
    return reading;
  };
  let next = count > 0 ? read(0) : undefined;
  for (let index = 0; index < count && next !== undefined; index += 1) {
    const bytes = await next;
    next = index + 1 < count ? read(index + 1) : undefined;
    await visit(index, bytes);
  }
}

function changedWhileReading(fileName: string): ShoalError {
  return new ShoalError('BAD_REQUEST', `'${fileName}' changed while it was being read; share it again`);
}
