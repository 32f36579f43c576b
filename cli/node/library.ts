/**
 * The Node host's side of the library: files shared in place from disk. The peer node announces
 * and withdraws; this keeps it in step with the disk: a shared file that vanished is withdrawn, one
 * that changed is withdrawn and shared again under its new content id.
 */
import type { FileRecord } from '../../shared/engine';
import type { PeerNode } from '../../shared/node/peer-node';
import { asShoalError } from '../../shared/protocol/errors';
import type { FsChunkStore, StaleFile } from './fs-chunk-store';

export interface SharedFile {
  contentId: string;
  name: string;
  sizeBytes: number;
  mimeType: string;
  path: string;
}

export class DiskLibrary {
  constructor(
    private readonly store: FsChunkStore,
    private readonly node: PeerNode<string>,
    private readonly log: (message: string) => void,
  ) {
    store.onStale((stale) => void this.handleStale(stale));
  }

  /** Shares one file in place and announces it. */
  async shareFile(
    filePath: string,
    options: { name?: string; onProgress?: (bytesDone: number, totalBytes: number) => void } = {},
  ): Promise<SharedFile> {
    const record = await this.store.addFileInPlace(filePath, options);
    await this.node.library.add(record);
    return this.sharedFileOf(record);
  }

  /** Stops sharing: withdraws the file and forgets it (the file on disk is left alone). */
  unshare(contentId: string): Promise<boolean> {
    return this.node.library.remove(contentId);
  }

  /** The complete files this peer offers, with where each is on disk. */
  async list(): Promise<SharedFile[]> {
    const files: SharedFile[] = [];
    for (const file of this.node.library.files()) {
      const record = await this.store.getFile(file.contentId);
      if (record !== undefined && this.store.pathOf(file.contentId) !== undefined) files.push(this.sharedFileOf(record));
    }
    return files;
  }

  /** Checks the shared files on disk now (the peer also does this on a timer). */
  checkFiles(): Promise<void> {
    return this.store.checkFiles();
  }

  private async handleStale(stale: StaleFile): Promise<void> {
    try {
      if (!(await this.node.library.forget(stale.record.contentId))) return;
      if (stale.reason === 'vanished') {
        this.log(`Stopped sharing ${stale.record.name}: ${stale.path} no longer exists`);
        return;
      }
      this.log(`${stale.path} changed; sharing the new version`);
      await this.shareFile(stale.path, { name: stale.record.name });
    } catch (error) {
      this.log(`Could not update the share of ${stale.path}: ${asShoalError(error).message}`);
    }
  }

  private sharedFileOf(record: FileRecord): SharedFile {
    return {
      contentId: record.contentId,
      name: record.name,
      sizeBytes: record.manifest.size,
      mimeType: record.mimeType,
      path: this.store.pathOf(record.contentId) ?? '',
    };
  }
}
