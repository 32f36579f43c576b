/**
 * The Node peer's ChunkStore, on the file system. Shared files stay where they are: chunks are read
 * from the original path, after checking the file still has the size and modification time it was
 * hashed at (a file that changed or vanished is dropped and reported, never served wrong).
 * Downloads are written into the downloads folder as `<name>.shoal-partial` with a journal of
 * verified chunks, renamed to `<name>` when complete, and from then on shared in place.
 * The library (one JSON record per content id) lives under `<data-dir>/library/`.
 */
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { chunkCount, chunkRange } from '../../shared/content/chunking';
import type { ChunkStore, FileRecord } from '../../shared/engine/chunk-store';
import { ShoalError } from '../../shared/protocol/errors';
import { manifestSchema } from '../../shared/protocol/peer-messages';
import { contentIdSchema, fileNameSchema } from '../../shared/protocol/tracker-messages';
import { describeFile, isSameVersion, versionOf } from './file-manifest';
import { readJsonFile, writeJsonFileAtomic } from './json-file';
import { ManifestCache } from './manifest-cache';
import { mimeTypeOf } from './mime-type';
import { freeFilePath } from './free-path';
import { PARTIAL_SUFFIX, PartialDownload } from './partial-download';

const locationSchema = z.discriminatedUnion('kind', [
  /** A complete file, read in place. */
  z.object({ kind: z.literal('file'), path: z.string(), sizeBytes: z.number(), mtimeMs: z.number() }),
  /** A download in progress; `finalPath` is where it goes when complete. */
  z.object({ kind: z.literal('partial'), partialPath: z.string(), finalPath: z.string() }),
]);
type Location = z.infer<typeof locationSchema>;

const libraryEntrySchema = z.object({
  contentId: contentIdSchema,
  name: z.string(),
  mimeType: z.string(),
  manifest: manifestSchema,
  addedAtMs: z.number(),
  location: locationSchema,
});
type LibraryEntry = z.infer<typeof libraryEntrySchema>;

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

export class FsChunkStore implements ChunkStore {
  private readonly entries = new Map<string, LibraryEntry>();
  private readonly partials = new Map<string, Promise<PartialDownload>>();
  private readonly staleListeners = new Set<(stale: StaleFile) => void>();
  private readonly libraryDir: string;
  private readonly manifests: ManifestCache;
  private readonly now: () => number;

  private constructor(private readonly options: FsChunkStoreOptions) {
    this.libraryDir = path.join(options.dataDir, 'library');
    this.manifests = new ManifestCache(options.dataDir);
    this.now = options.now ?? Date.now;
  }

  /** Loads the library kept in the data dir. Call `checkFiles` to find shared files that changed since. */
  static async open(options: FsChunkStoreOptions): Promise<FsChunkStore> {
    const store = new FsChunkStore(options);
    await mkdir(store.libraryDir, { recursive: true });
    for (const fileName of await readdir(store.libraryDir)) {
      if (!fileName.endsWith('.json')) continue;
      const entry = await readJsonFile(path.join(store.libraryDir, fileName), libraryEntrySchema);
      if (entry !== undefined && fileName === `${entry.contentId}.json`) store.entries.set(entry.contentId, entry);
    }
    return store;
  }

  get downloadDir(): string {
    return this.options.downloadDir;
  }

  // ---- ChunkStore ----------------------------------------------------------------------------

  /** Records a file to download (the engine calls this with a verified manifest); a file already
   * held keeps its place on disk and takes the record's name, type and time. */
  async putFile(record: FileRecord): Promise<void> {
    const existing = this.entries.get(record.contentId);
    if (existing !== undefined) {
      await this.saveEntry({ ...existing, name: record.name, mimeType: record.mimeType, addedAtMs: record.addedAtMs });
      return;
    }
    await mkdir(this.options.downloadDir, { recursive: true });
    const finalPath = await freeFilePath(this.options.downloadDir, record.name);
    const location: Location = { kind: 'partial', partialPath: finalPath + PARTIAL_SUFFIX, finalPath };
    const entry: LibraryEntry = { ...copyRecord(record), location };
    await this.saveEntry(entry);
    await this.partialOf(entry);
  }

  async getFile(contentId: string): Promise<FileRecord | undefined> {
    const entry = this.entries.get(contentId);
    return entry === undefined ? undefined : recordOf(entry);
  }

  async listFiles(): Promise<FileRecord[]> {
    return [...this.entries.values()].map(recordOf).sort((a, b) => a.addedAtMs - b.addedAtMs);
  }

  /** Forgets the file. A download's partial file is deleted; a shared file on disk is never touched. */
  async deleteFile(contentId: string): Promise<void> {
    const entry = this.entries.get(contentId);
    if (entry === undefined) return;
    this.entries.delete(contentId);
    const partial = this.partials.get(contentId);
    this.partials.delete(contentId);
    if (partial !== undefined) await (await partial).remove();
    else if (entry.location.kind === 'partial') await rm(entry.location.partialPath, { force: true });
    await rm(this.journalPath(contentId), { force: true });
    await rm(this.entryPath(contentId), { force: true });
  }

  async putChunk(contentId: string, index: number, bytes: Uint8Array): Promise<void> {
    const entry = this.entries.get(contentId);
    if (entry === undefined) throw new ShoalError('FILE_NOT_FOUND', 'No download is recorded for this file');
    if (entry.location.kind === 'file') return; // already complete on disk
    await (await this.partialOf(entry)).write(index, bytes);
  }

  async getChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(contentId);
    if (entry === undefined) return undefined;
    if (entry.location.kind === 'partial') return (await this.partialOf(entry)).read(index);
    if (!(await this.isUnchanged(entry, entry.location))) return undefined;
    const { start, end } = chunkRange(entry.manifest.size, entry.manifest.chunkSizeBytes, index);
    if (end <= start) return undefined;
    const bytes = Buffer.allocUnsafe(end - start);
    const handle = await open(entry.location.path, 'r');
    try {
      const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, start);
      return bytesRead === bytes.byteLength ? bytes : undefined;
    } finally {
      await handle.close();
    }
  }

  async listChunkIndices(contentId: string): Promise<number[]> {
    const entry = this.entries.get(contentId);
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
    const absolutePath = path.resolve(filePath);
    const name = fileNameSchema.safeParse(options.name ?? path.basename(absolutePath));
    if (!name.success) {
      throw new ShoalError('BAD_REQUEST', `'${absolutePath}' cannot be shared: ${name.error.issues[0]?.message ?? 'bad name'}`);
    }
    const version = await versionOf(absolutePath);
    if (version === undefined) throw new ShoalError('FILE_NOT_FOUND', `'${filePath}' does not exist or is not a file`);
    let described = await this.manifests.get(absolutePath, version);
    if (described === undefined) {
      described = await describeFile(absolutePath, options.onProgress);
      await this.manifests.put(absolutePath, described);
    }
    const existing = this.entries.get(described.contentId);
    if (existing?.location.kind === 'file' && (await this.isUnchanged(existing, existing.location))) return recordOf(existing);
    if (existing !== undefined) await this.deleteFile(described.contentId);
    const entry: LibraryEntry = {
      contentId: described.contentId,
      name: name.data,
      mimeType: mimeTypeOf(name.data),
      manifest: described.manifest,
      addedAtMs: existing?.addedAtMs ?? this.now(),
      location: { kind: 'file', path: absolutePath, ...described.version },
    };
    await this.saveEntry(entry);
    return recordOf(entry);
  }

  /** Moves a complete download to its final name and shares it in place from there; returns the path. */
  async finishDownload(contentId: string): Promise<string> {
    const entry = this.entries.get(contentId);
    if (entry === undefined) throw new ShoalError('FILE_NOT_FOUND', 'No download is recorded for this file');
    if (entry.location.kind === 'file') return entry.location.path;
    const partial = await this.partialOf(entry);
    if (!partial.isComplete) throw new ShoalError('INTERNAL', `'${entry.name}' is not complete yet`);
    this.partials.delete(contentId);
    const finalPath = await partial.finish(entry.location.finalPath);
    const version = await versionOf(finalPath);
    if (version === undefined) throw new ShoalError('INTERNAL', `'${finalPath}' vanished as it was completed`);
    await this.manifests.put(finalPath, { manifest: entry.manifest, contentId, version });
    await this.saveEntry({ ...entry, location: { kind: 'file', path: finalPath, ...version } });
    await rm(this.journalPath(contentId), { force: true });
    return finalPath;
  }

  /** Every file held, with where it is on disk. */
  async heldFiles(): Promise<HeldFile[]> {
    const held: HeldFile[] = [];
    for (const entry of [...this.entries.values()].sort((a, b) => a.addedAtMs - b.addedAtMs)) {
      const isComplete = entry.location.kind === 'file' || (await this.partialOf(entry)).isComplete;
      const filePath = entry.location.kind === 'file' ? entry.location.path : entry.location.partialPath;
      held.push({ record: recordOf(entry), path: filePath, isComplete });
    }
    return held;
  }

  pathOf(contentId: string): string | undefined {
    const location = this.entries.get(contentId)?.location;
    return location?.kind === 'file' ? location.path : undefined;
  }

  /** Checks every shared file against its recorded size and time; stale ones are dropped and reported. */
  async checkFiles(): Promise<void> {
    for (const entry of [...this.entries.values()]) {
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
    const partials = [...this.partials.values()];
    this.partials.clear();
    await Promise.allSettled(partials.map(async (partial) => (await partial).close()));
  }

  private async isUnchanged(entry: LibraryEntry, location: Extract<Location, { kind: 'file' }>): Promise<boolean> {
    const current = await versionOf(location.path);
    if (current !== undefined && isSameVersion(current, location)) return true;
    if (this.entries.get(entry.contentId) !== entry) return false; // already dropped
    this.entries.delete(entry.contentId);
    await rm(this.entryPath(entry.contentId), { force: true });
    const stale: StaleFile = { record: recordOf(entry), path: location.path, reason: current === undefined ? 'vanished' : 'changed' };
    for (const listener of this.staleListeners) listener(stale);
    return false;
  }

  private partialOf(entry: LibraryEntry): Promise<PartialDownload> {
    if (entry.location.kind !== 'partial') throw new ShoalError('INTERNAL', `'${entry.name}' is not being downloaded`);
    let partial = this.partials.get(entry.contentId);
    if (partial === undefined) {
      partial = PartialDownload.open(entry.location.partialPath, this.journalPath(entry.contentId), entry.manifest);
      this.partials.set(entry.contentId, partial);
      partial.catch(() => this.partials.delete(entry.contentId));
    }
    return partial;
  }

  private async saveEntry(entry: LibraryEntry): Promise<void> {
    await writeJsonFileAtomic(this.entryPath(entry.contentId), entry);
    this.entries.set(entry.contentId, entry);
  }

  private entryPath(contentId: string): string {
    return path.join(this.libraryDir, `${contentId}.json`);
  }

  private journalPath(contentId: string): string {
    return path.join(this.libraryDir, `${contentId}.chunks`);
  }
}

function recordOf(entry: LibraryEntry): FileRecord {
  return copyRecord(entry);
}

function copyRecord(record: FileRecord): FileRecord {
  const { contentId, name, mimeType, manifest, addedAtMs } = record;
  return { contentId, name, mimeType, manifest: { ...manifest, chunkHashes: [...manifest.chunkHashes] }, addedAtMs };
}

