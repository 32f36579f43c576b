/**
 * The Node peer's library on disk: one JSON entry per content id under `<data-dir>/library/` (the
 * file record and where its bytes are), with a download's chunk journal beside it. Loaded once at
 * start and kept in memory; every change is written through atomically.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { FileRecord } from '../../shared/engine';
import { manifestSchema } from '../../shared/protocol/peer-messages';
import { contentIdSchema } from '../../shared/protocol/tracker-messages';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** A complete file, read in place. */
const fileLocationSchema = z.object({ kind: z.literal('file'), path: z.string(), sizeBytes: z.number(), mtimeMs: z.number() });
/** A download in progress; `finalPath` is where it goes when complete. */
const partialLocationSchema = z.object({ kind: z.literal('partial'), partialPath: z.string(), finalPath: z.string() });
const locationSchema = z.discriminatedUnion('kind', [fileLocationSchema, partialLocationSchema]);

export type FileLocation = z.infer<typeof fileLocationSchema>;
export type PartialLocation = z.infer<typeof partialLocationSchema>;
export type Location = z.infer<typeof locationSchema>;

const libraryEntrySchema = z.object({
  contentId: contentIdSchema,
  name: z.string(),
  mimeType: z.string(),
  manifest: manifestSchema,
  addedAtMs: z.number(),
  location: locationSchema,
});
export type LibraryEntry = z.infer<typeof libraryEntrySchema>;

export class LibraryEntries {
  private readonly entries = new Map<string, LibraryEntry>();

  private constructor(private readonly libraryDir: string) {}

  /** Reads the entries kept in the data dir; an unreadable one, or one under another id's name, is skipped. */
  static async load(dataDir: string): Promise<LibraryEntries> {
    const library = new LibraryEntries(path.join(dataDir, 'library'));
    await mkdir(library.libraryDir, { recursive: true });
    for (const fileName of await readdir(library.libraryDir)) {
      if (!fileName.endsWith('.json')) continue;
      const entry = await readJsonFile(path.join(library.libraryDir, fileName), libraryEntrySchema);
      if (entry !== undefined && fileName === `${entry.contentId}.json`) library.entries.set(entry.contentId, entry);
    }
    return library;
  }

  get(contentId: string): LibraryEntry | undefined {
    return this.entries.get(contentId);
  }

  /** Whether `entry` is still the one held for its content id (not dropped or replaced meanwhile). */
  isCurrent(entry: LibraryEntry): boolean {
    return this.entries.get(entry.contentId) === entry;
  }

  oldestFirst(): LibraryEntry[] {
    return [...this.entries.values()].sort((a, b) => a.addedAtMs - b.addedAtMs);
  }

  async save(entry: LibraryEntry): Promise<void> {
    await writeJsonFileAtomic(this.entryPath(entry.contentId), entry);
    this.entries.set(entry.contentId, entry);
  }

  /** Forgets the entry at once (callers then see no file); `erase` removes it from disk. */
  forget(contentId: string): void {
    this.entries.delete(contentId);
  }

  /** Removes the entry's file and any download journal of it. */
  async erase(contentId: string): Promise<void> {
    await this.eraseJournal(contentId);
    await rm(this.entryPath(contentId), { force: true });
  }

  async eraseJournal(contentId: string): Promise<void> {
    await rm(this.journalPath(contentId), { force: true });
  }

  /** Where a download keeps its journal of verified chunks. */
  journalPath(contentId: string): string {
    return path.join(this.libraryDir, `${contentId}.chunks`);
  }

  private entryPath(contentId: string): string {
    return path.join(this.libraryDir, `${contentId}.json`);
  }
}

/** A copy of the record part of an entry (or record), so callers cannot change what is held. */
export function recordOf(entry: FileRecord): FileRecord {
  const { contentId, name, mimeType, manifest, addedAtMs } = entry;
  return { contentId, name, mimeType, manifest: { ...manifest, chunkHashes: [...manifest.chunkHashes] }, addedAtMs };
}
