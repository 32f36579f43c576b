/**
 * What this peer shares and announces: files shared in place from disk and finished downloads.
 * It keeps the tracker's view in step with the disk: a shared file that vanished is withdrawn,
 * one that changed is withdrawn and shared again under its new content id.
 */
import { announcementOf } from '../../shared/engine/file-announcement';
import type { FileRecord } from '../../shared/engine/chunk-store';
import { asShoalError } from '../../shared/protocol/errors';
import type { FsChunkStore, StaleFile } from './fs-chunk-store';
import type { TrackerSession } from './tracker-session';

export interface SharedFile {
  contentId: string;
  name: string;
  sizeBytes: number;
  mimeType: string;
  path: string;
}

export interface LibraryOptions {
  store: FsChunkStore;
  session: TrackerSession;
  /** Announce every complete file the data dir holds, not only those shared in this run. */
  announcesEverything: boolean;
  log: (message: string) => void;
}

export class Library {
  /** Content ids announced by this run. */
  private readonly announced = new Set<string>();

  constructor(private readonly options: LibraryOptions) {
    options.store.onStale((stale) => void this.handleStale(stale));
  }

  /** At start: drops stale files, then announces what this peer offers. */
  async start(): Promise<void> {
    await this.options.store.checkFiles();
    if (!this.options.announcesEverything) return;
    for (const held of await this.options.store.heldFiles()) {
      if (held.isComplete) this.announced.add(held.record.contentId);
    }
    await this.announceAll();
  }

  /** Shares one file in place and announces it. */
  async shareFile(
    filePath: string,
    options: { name?: string; onProgress?: (bytesDone: number, totalBytes: number) => void } = {},
  ): Promise<SharedFile> {
    const record = await this.options.store.addFileInPlace(filePath, options);
    await this.announce(record);
    return this.sharedFileOf(record);
  }

  /** Announces a file the store holds complete (a finished download). */
  async announce(record: FileRecord): Promise<void> {
    this.announced.add(record.contentId);
    if (this.options.session.isOnline) await this.options.session.connection.announce([announcementOf(record)]);
  }

  /** Stops sharing: withdraws the file and forgets it (a shared file on disk is left alone). */
  async unshare(contentId: string): Promise<boolean> {
    const record = await this.options.store.getFile(contentId);
    if (record === undefined || !this.announced.has(contentId)) return false;
    this.announced.delete(contentId);
    await this.options.store.deleteFile(contentId);
    if (this.options.session.isOnline) await this.options.session.connection.withdraw([contentId]);
    return true;
  }

  /** The files announced by this peer. */
  async list(): Promise<SharedFile[]> {
    const files: SharedFile[] = [];
    for (const record of await this.options.store.listFiles()) {
      if (this.announced.has(record.contentId) && this.options.store.pathOf(record.contentId) !== undefined) {
        files.push(this.sharedFileOf(record));
      }
    }
    return files;
  }

  /** Re-announces everything after a (re-)join. */
  async announceAll(): Promise<void> {
    const records = await Promise.all([...this.announced].map((id) => this.options.store.getFile(id)));
    const announcements = records.filter((record) => record !== undefined).map(announcementOf);
    await this.options.session.connection.announce(announcements);
  }

  /** Withdraws every announced file (before leaving the tracker). */
  async withdrawAll(): Promise<void> {
    if (this.options.session.isOnline) await this.options.session.connection.withdraw([...this.announced]);
  }

  /** Checks the shared files on disk now (the peer also does this on a timer). */
  checkFiles(): Promise<void> {
    return this.options.store.checkFiles();
  }

  private async handleStale(stale: StaleFile): Promise<void> {
    const wasAnnounced = this.announced.delete(stale.record.contentId);
    try {
      if (wasAnnounced && this.options.session.isOnline) {
        await this.options.session.connection.withdraw([stale.record.contentId]);
      }
      if (!wasAnnounced) return;
      if (stale.reason === 'vanished') {
        this.options.log(`Stopped sharing ${stale.record.name}: ${stale.path} no longer exists`);
        return;
      }
      this.options.log(`${stale.path} changed; sharing the new version`);
      await this.shareFile(stale.path, { name: stale.record.name });
    } catch (error) {
      this.options.log(`Could not update the share of ${stale.path}: ${asShoalError(error).message}`);
    }
  }

  private sharedFileOf(record: FileRecord): SharedFile {
    return {
      contentId: record.contentId,
      name: record.name,
      sizeBytes: record.manifest.size,
      mimeType: record.mimeType,
      path: this.options.store.pathOf(record.contentId) ?? '',
    };
  }
}

