/**
 * Where a peer keeps manifests and verified chunks. The browser supplies IndexedDB, Node the file
 * system, tests memory. Implementations store bytes as given; verifying them is the engine's job.
 * chunk-store.contract.ts holds what every implementation must do, run against all three.
 */
import type { Manifest } from '../protocol/peer-messages';

export interface FileRecord {
  contentId: string;
  name: string;
  mimeType: string;
  manifest: Manifest;
  /** When this peer first stored the file (ms since epoch), for stable ordering in lists. */
  addedAtMs: number;
}

export interface ChunkStore {
  /** Stores a copy of the record, replacing any earlier one of the same content id (its chunks stay). */
  putFile(record: FileRecord): Promise<void>;
  getFile(contentId: string): Promise<FileRecord | undefined>;
  listFiles(): Promise<FileRecord[]>;
  /** Removes the record and every chunk of it. */
  deleteFile(contentId: string): Promise<void>;
  /** Stores a copy, replacing any held one: `bytes` is reused for another chunk once this settles, so
   * keep no reference to it. A store that places chunks by the record (Node's) rejects a chunk of a
   * file it has no record of with FILE_NOT_FOUND; the others take it (sharing puts the record last). */
  putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void>;
  getChunk(contentId: string, index: number): Promise<Uint8Array | undefined>;
  /** Indices of the chunks held for a file, ascending. */
  listChunkIndices(contentId: string): Promise<number[]>;
  /**
   * What identifies the stored copy of chunk `index` as it is now: it must change whenever that copy
   * may have changed (a put, a delete, the file it is read from changing on disk). Serving then
   * hashes a chunk once per version instead of on every request (verified-chunks.ts says what each
   * store's version trusts). Absent, or undefined for a chunk, when the store cannot tell: every
   * read of it is verified.
   */
  chunkVersion?(contentId: string, index: number): Promise<string | undefined>;
  /**
   * Starts storing the chunks of a file being shared, whose content id is known only once every
   * chunk is hashed: they are stored as they are read (so the file is read once), apart from every
   * file's chunks, until `commit` makes them the file's. Staged chunks a crash left behind are never
   * seen under any content id; stores that keep them remove them. A store that places chunks by the
   * record (Node's, which shares files in place) refuses with FILE_NOT_FOUND.
   */
  stageChunks(): Promise<StagedChunks>;
}

/** Chunks stored under no content id yet; `commit` or `discard` ends the staging. */
export interface StagedChunks {
  /** As ChunkStore.putChunk: a copy is stored, replacing any staged one of that index. */
  putChunk(index: number, bytes: Uint8Array): Promise<void>;
  /** Once every put has settled: the staged chunks become the chunks of `contentId` in one step,
   * replacing any it held (a download's, a share's). */
  commit(contentId: string): Promise<void>;
  /** Forgets the staged chunks. */
  discard(): Promise<void>;
}
