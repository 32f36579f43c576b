/**
 * The Node host's side of the library: files shared in place from disk. The peer node announces
 * and withdraws; this keeps it in step with the disk: a shared file that vanished is withdrawn, one
 * that changed is withdrawn and shared again under its new content id.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileRecord } from '../../shared/engine';
import { FOLDER_MIME_TYPE, buildFolderManifest, encodeFolderManifest } from '../../shared/protocol/folder-manifest';
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

  /**
   * Shares a folder whose files are already shared (`files`, each with its path on disk): its
   * manifest (relative paths under `dir`) is written into `<data-dir>/folders/`, shared in place
   * from there as a folder and announced. Returns the folder as a shared item.
   */
  async shareFolder(dir: string, files: readonly SharedFile[], dataDir: string): Promise<SharedFile> {
    const root = path.resolve(dir);
    const manifest = buildFolderManifest(
      path.basename(root),
      files.map((file) => ({
        path: path.relative(root, file.path).split(path.sep).join('/'),
        contentId: file.contentId,
        size: file.sizeBytes,
        mimeType: file.mimeType,
      })),
    );
    const bytes = encodeFolderManifest(manifest);
    const manifestsDir = path.join(dataDir, 'folders');
    await mkdir(manifestsDir, { recursive: true });
    // Named by its bytes: sharing the same folder again reuses the same manifest file.
    const manifestPath = path.join(manifestsDir, `${createHash('sha256').update(bytes).digest('hex')}.json`);
    await writeFile(manifestPath, bytes);
    const shared = await this.store.addFileInPlace(manifestPath, { name: manifest.name });
    const record = { ...shared, mimeType: FOLDER_MIME_TYPE };
    await this.store.putFile(record);
    await this.node.library.add(record);
    return { ...this.sharedFileOf(record), sizeBytes: manifest.entries.reduce((sum, entry) => sum + entry.size, 0), path: root };
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
