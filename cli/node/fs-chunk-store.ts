/**
 * The Node peer's ChunkStore, on the file system. Shared files stay where they are: chunks are read
 * from the original path, after checking the file still has the size and modification time it was
 * hashed at (a file that changed or vanished is dropped and reported, never served wrong).
 * Downloads are written into the downloads folder as `<name>.shoal-partial` with a journal of
 * verified chunks, renamed to `<name>` when complete, and from then on shared in place.
 * The library (one JSON record per content id) lives under `<data-dir>/library/`.
 * This module routes each call by where a file is; library-entries.ts, in-place-files.ts and
 * partial-downloads.ts hold the three parts.
 */
import { chunkCount } from '../../shared/content/chunking';
import type { ChunkStore, FileRecord } from '../../shared/engine';
import { ShoalError } from '../../shared/protocol/errors';
import { WriteGenerations } from '../../shared/engine/write-generations';
import { diskVersionOf } from './disk-version';
import { InPlaceFiles } from './in-place-files';
import { LibraryEntries, recordOf, type FileLocation, type LibraryEntry, type PartialLocation } from './library-entries';
import type { PartialDownload } from './partial-download';
import { PartialDownloads } from './partial-downloads';
import { mimeTypeOf } from './mime-type';

/** A file this store holds, complete or not, and where it is on disk. */
export interface HeldFile {
  record: FileRecord;
  path: string;
  isComplete: boolean;
}

/** A shared file that no longer matches what was announced; the store has already dropped it. */
export interface StaleFile {
  record: FileRecord;
  path: string;
  reason: 'changed' | 'vanished';
}

export interface FsChunkStoreOptions {
  dataDir: string;
  /** Where downloads are written. */
  downloadDir: string;
  now?: () => number;
}

type DownloadEntry = LibraryEntry & { location: PartialLocation };

export class FsChunkStore implements ChunkStore {
  private readonly staleListeners = new Set<(stale: StaleFile) => void>();
  private readonly inPlace: InPlaceFiles;
  private readonly downloads: PartialDownloads;
  private readonly now: () => number;
  /** Writes and deletes through this store, which a file's timestamps can miss within one tick. */
  private readonly generations = new WriteGenerations();

  private constructor(
    private readonly options: FsChunkStoreOptions,
    private readonly library: LibraryEntries,
  ) {
    this.inPlace = new InPlaceFiles(options.dataDir);
    this.downloads = new PartialDownloads(options.downloadDir, (contentId) => library.journalPath(contentId));
    this.now = options.now ?? Date.now;
  }

  /** Loads the library kept in the data dir. Call `checkFiles` to find shared files that changed since. */
  static async open(options: FsChunkStoreOptions): Promise<FsChunkStore> {
    return new FsChunkStore(options, await LibraryEntries.load(options.dataDir));
  }

  get downloadDir(): string {
    return this.options.downloadDir;
  }

  // ---- ChunkStore ----------------------------------------------------------------------------

  /** Records a file to download (the engine calls this with a verified manifest); a file already
   * held keeps its place on disk and takes the record's name, type and time. */
  async putFile(record: FileRecord): Promise<void> {
    const existing = this.library.get(record.contentId);
    if (existing !== undefined) {
      await this.library.save({ ...existing, name: record.name, mimeType: record.mimeType, addedAtMs: record.addedAtMs });
      return;
    }
    const entry: DownloadEntry = { ...recordOf(record), location: await this.downloads.locationFor(record.name) };
    await this.library.save(entry);
    await this.downloads.partialOf(entry);
  }

  async getFile(contentId: string): Promise<FileRecord | undefined> {
    const entry = this.library.get(contentId);
    return entry === undefined ? undefined : recordOf(entry);
  }

  async listFiles(): Promise<FileRecord[]> {
    return this.library.oldestFirst().map(recordOf);
  }

  /** Forgets the file. A download's partial file is deleted; a shared file on disk is never touched. */
  async deleteFile(contentId: string): Promise<void> {
    const entry = this.library.get(contentId);
    if (entry === undefined) return;
    this.generations.fileDeleted(contentId);
    this.library.forget(contentId);
    if (entry.location.kind === 'partial') await this.downloads.discard(contentId, entry.location);
    await this.library.erase(contentId);
    this.generations.fileDeleted(contentId);
  }

  async putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void> {
    const entry = this.library.get(contentId);
    if (entry === undefined) throw new ShoalError('FILE_NOT_FOUND', 'No download is recorded for this file');
    if (entry.location.kind === 'file') return; // already complete on disk
    const partial = await this.partialOf(entry);
    await this.generations.aroundChunkWrite(contentId, index, () => partial.write(index, bytes));
  }

  /** Files shared here stay in place (addFileInPlace): no chunks are staged, as none are put before their record. */
  async stageChunks(): Promise<never> {
    throw new ShoalError('FILE_NOT_FOUND', 'This store shares files in place and stages no chunks; use addFileInPlace');
  }

  async getChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    const entry = this.library.get(contentId);
    if (entry === undefined) return undefined;
    if (entry.location.kind === 'partial') return (await this.partialOf(entry)).read(index);
    if (!(await this.isUnchanged(entry, entry.location))) return undefined;
    return this.inPlace.readChunk(entry.location, entry.manifest, index);
  }

  /** The state on disk of the file the chunk is read from (disk-version.ts), whether it is shared in
   * place or being downloaded, and the chunk's writes through this store; undefined for a file not held. */
  async chunkVersion(contentId: string, index: number): Promise<string | undefined> {
    const location = this.library.get(contentId)?.location;
    if (location === undefined) return undefined;
    const onDisk = await diskVersionOf(location.kind === 'file' ? location.path : location.partialPath);
    return onDisk === undefined ? undefined : `${location.kind}:${onDisk}:${this.generations.versionOf(contentId, index)}`;
  }

  async listChunkIndices(contentId: string): Promise<number[]> {
    const entry = this.library.get(contentId);
    if (entry === undefined) return [];
    if (entry.location.kind === 'partial') return (await this.partialOf(entry)).indices();
    return Array.from({ length: chunkCount(entry.manifest.size, entry.manifest.chunkSizeBytes) }, (_, index) => index);
  }

  // ---- beyond the ChunkStore interface -------------------------------------------------------

  /** Shares a file where it is: hashes it (or reuses the cached hashes of this version of it). */
  async addFileInPlace(
    filePath: string,
    options: { name?: string; onProgress?: (bytesDone: number, totalBytes: number) => void } = {},
  ): Promise<FileRecord> {
    const { absolutePath, name, described } = await this.inPlace.describe(filePath, options);
    const existing = this.library.get(described.contentId);
    if (existing?.location.kind === 'file' && (await this.isUnchanged(existing, existing.location))) return recordOf(existing);
    if (existing !== undefined) await this.deleteFile(described.contentId);
    const entry: LibraryEntry = {
      contentId: described.contentId,
      name,
      mimeType: mimeTypeOf(name),
      manifest: described.manifest,
      addedAtMs: existing?.addedAtMs ?? this.now(),
      location: { kind: 'file', path: absolutePath, ...described.version },
    };
    await this.library.save(entry);
    return recordOf(entry);
  }

  /** Moves a complete download to its final name and shares it in place from there; returns the path. */
  async finishDownload(contentId: string): Promise<string> {
    const entry = this.library.get(contentId);
    if (entry === undefined) throw new ShoalError('FILE_NOT_FOUND', 'No download is recorded for this file');
    if (entry.location.kind === 'file') return entry.location.path;
    const finalPath = await this.downloads.finish({ ...entry, location: entry.location });
    const location = await this.inPlace.adopt(finalPath, entry.manifest, contentId);
    await this.library.save({ ...entry, location });
    await this.library.eraseJournal(contentId);
    return finalPath;
  }

  /** Every file held, with where it is on disk. */
  async heldFiles(): Promise<HeldFile[]> {
    const held: HeldFile[] = [];
    for (const entry of this.library.oldestFirst()) {
      const isComplete = entry.location.kind === 'file' || (await this.partialOf(entry)).isComplete;
      const filePath = entry.location.kind === 'file' ? entry.location.path : entry.location.partialPath;
      held.push({ record: recordOf(entry), path: filePath, isComplete });
    }
    return held;
  }

  pathOf(contentId: string): string | undefined {
    const location = this.library.get(contentId)?.location;
    return location?.kind === 'file' ? location.path : undefined;
  }

  /** Checks every shared file against its recorded size and time; stale ones are dropped and reported. */
  async checkFiles(): Promise<void> {
    for (const entry of this.library.oldestFirst()) {
      if (entry.location.kind === 'file') await this.isUnchanged(entry, entry.location);
    }
  }

  /** Hears about shared files dropped because they changed or vanished. */
  onStale(listener: (stale: StaleFile) => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  /** Closes open partial files; the library stays on disk for next time. */
  async close(): Promise<void> {
    await this.downloads.closeAll();
  }

  /** True if the shared file is still as described; if not, drops it from the library and reports it. */
  private async isUnchanged(entry: LibraryEntry, location: FileLocation): Promise<boolean> {
    const state = await this.inPlace.stateOf(location);
    if (state === 'unchanged') return true;
    if (!this.library.isCurrent(entry)) return false; // already dropped
    this.library.forget(entry.contentId);
    await this.library.erase(entry.contentId);
    const stale: StaleFile = { record: recordOf(entry), path: location.path, reason: state };
    for (const listener of this.staleListeners) listener(stale);
    return false;
  }

  private partialOf(entry: LibraryEntry): Promise<PartialDownload> {
    const location = entry.location;
    if (location.kind !== 'partial') throw new ShoalError('INTERNAL', `'${entry.name}' is not being downloaded`);
    return this.downloads.partialOf({ ...entry, location });
  }
}
