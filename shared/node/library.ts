/**
 * What this peer offers: complete files (shared by the person, or finished downloads) and partial
 * holdings (downloads under way, announced as soon as they hold their verified manifest, so others
 * can fetch those chunks from us). Everything is re-announced after each (re-)join and withdrawn
 * when the node leaves. How a file gets into the store is the host's business (hashing a browser
 * File, or a file in place on disk); the library takes the resulting record.
 */
import { type ChunkStore, type Clock, type FileRecord, isStoredFileComplete, realClock } from '../engine';
import { AnnounceBatcher } from './announce-batcher';
import { announcementFor, folderSummaryOf, isFolderRecord, readFolderManifest, storeFolderManifest, type FolderFile, type FolderSummary } from './folders';
import type { NodeEvents } from './node-events';
import type { TrackerLink } from './parts';

export interface LibraryFile {
  contentId: string;
  name: string;
  size: number;
  mimeType: string;
  /** Set when this is a folder (its manifest): `size` is then the folder's total size. */
  folder?: FolderSummary;
}

export interface LibraryOptions {
  store: ChunkStore;
  tracker: TrackerLink;
  events: NodeEvents;
  /** Are we joined right now (announcing needs it)? */
  isOnline: () => boolean;
  clock?: Clock;
}

export class Library {
  /** Complete files we announce, by content id, in the order they came. */
  private readonly complete = new Map<string, LibraryFile>();
  /** Downloads under way that we announce as partial holders. */
  private readonly partial = new Set<string>();
  /** Single files are announced in batches (a folder download adds dozens a second). */
  private readonly announcer: AnnounceBatcher;

  constructor(private readonly options: LibraryOptions) {
    this.announcer = new AnnounceBatcher((files) => options.tracker.announce(files), options.clock ?? realClock);
  }

  /** Takes every complete file the store holds into the library (after a reload or restart). */
  async loadStoredFiles(): Promise<void> {
    for (const record of await this.options.store.listFiles()) {
      if (await isStoredFileComplete(this.options.store, record.contentId)) this.complete.set(record.contentId, await this.libraryFileOf(record));
    }
    this.changed();
  }

  holds(contentId: string): boolean {
    return this.complete.has(contentId);
  }

  /** The complete files we share, oldest first. */
  files(): LibraryFile[] {
    return [...this.complete.values()];
  }

  /** What a person sees: folders as one item each, and the files not inside a folder we hold. */
  items(): LibraryFile[] {
    const inFolders = new Set<string>();
    for (const file of this.complete.values()) for (const id of file.folder?.contentIds ?? []) inFolders.add(id);
    return [...this.complete.values()].filter((file) => !inFolders.has(file.contentId));
  }

  /** Adds a complete file (shared or downloaded) and announces it. */
  async add(record: FileRecord): Promise<void> {
    this.partial.delete(record.contentId);
    this.complete.set(record.contentId, await this.libraryFileOf(record));
    this.changed();
    if (this.options.isOnline()) await this.announcer.announce([await announcementFor(this.options.store, record)]);
  }

  /** Shares a folder whose files are already stored: each file is added (and announced) as an
   * ordinary file, then the folder's manifest is built, stored and announced; returns its record. */
  async addFolder(name: string, files: readonly FolderFile[]): Promise<FileRecord> {
    const { record } = await storeFolderManifest(this.options.store, name, files);
    const records = [...files.map((file) => file.record), record];
    for (const held of records) {
      this.partial.delete(held.contentId);
      this.complete.set(held.contentId, await this.libraryFileOf(held));
    }
    this.changed();
    // In as few announces as the protocol allows (the batcher splits at ANNOUNCE_MAX_FILES): the
    // tracker rate-limits share changes.
    if (this.options.isOnline()) {
      await this.announcer.announce(await Promise.all(records.map((held) => announcementFor(this.options.store, held))));
    }
    return record;
  }

  /** Announces a download that holds its verified manifest: we can serve the chunks we have. */
  async addPartial(contentId: string): Promise<void> {
    const record = await this.options.store.getFile(contentId);
    if (record === undefined || this.complete.has(contentId)) return;
    this.partial.add(contentId);
    if (this.options.isOnline()) await this.announcer.announce([await announcementFor(this.options.store, record)]);
  }

  /** Withdraws a partial holding (its download was cancelled and its chunks discarded). */
  async dropPartial(contentId: string): Promise<void> {
    if (!this.partial.delete(contentId)) return;
    this.announcer.forget([contentId]);
    if (this.options.isOnline()) await this.options.tracker.withdraw([contentId]);
  }

  /** Stops sharing a complete file: withdraws it and deletes it from the store (a file the Node
   * host shares in place stays on disk). False when the library does not hold it. */
  async remove(contentId: string): Promise<boolean> {
    if (!this.complete.delete(contentId)) return false;
    this.changed();
    this.announcer.forget([contentId]);
    if (this.options.isOnline()) await this.options.tracker.withdraw([contentId]);
    await this.options.store.deleteFile(contentId);
    return true;
  }

  /** Forgets a file the store dropped by itself (it changed or vanished on disk) and withdraws it.
   * False when the library did not offer it. */
  async forget(contentId: string): Promise<boolean> {
    const wasOffered = this.complete.delete(contentId) || this.partial.delete(contentId);
    if (!wasOffered) return false;
    this.changed();
    this.announcer.forget([contentId]);
    if (this.options.isOnline()) await this.options.tracker.withdraw([contentId]);
    return true;
  }

  /** Announces everything, partial holdings included; called after each (re-)join. */
  async announceAll(): Promise<void> {
    const ids = [...this.complete.keys(), ...this.partial];
    const records = await Promise.all(ids.map((id) => this.options.store.getFile(id)));
    const held = records.filter((record) => record !== undefined);
    const announcements = await Promise.all(held.map((record) => announcementFor(this.options.store, record)));
    await this.options.tracker.announce(announcements);
  }

  /** Withdraws everything (before leaving the tracker). */
  async withdrawAll(): Promise<void> {
    this.announcer.forget([...this.complete.keys(), ...this.partial]);
    if (this.options.isOnline()) await this.options.tracker.withdraw([...this.complete.keys(), ...this.partial]);
  }

  private changed(): void {
    this.options.events.emit('library', undefined);
  }

  private async libraryFileOf(record: FileRecord): Promise<LibraryFile> {
    const file: LibraryFile = { contentId: record.contentId, name: record.name, size: record.manifest.size, mimeType: record.mimeType };
    if (!isFolderRecord(record)) return file;
    const manifest = await readFolderManifest(this.options.store, record.contentId);
    if (manifest === undefined) return file;
    const folder = folderSummaryOf(manifest);
    return { ...file, size: folder.totalSize, folder };
  }
}
