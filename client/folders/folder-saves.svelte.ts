/**
 * Folders being saved with "Save to folder…", as rows for the UI: first the download of every
 * file through the engine, then the writing of each into the directory the person picked
 * (write-folder.ts). A failure stays on its row with a message that says what to do.
 */
import type { FolderProgress } from '../../shared/node/folder-download';
import type { FolderManifest } from '../../shared/protocol/folder-manifest';
import { asShoalError } from '../../shared/protocol/errors';
import { FolderWriteError, writeFolderInto, type StoredChunkBlobs } from './write-folder';

export interface FolderSaveView {
  contentId: string;
  name: string;
  /** The directory the person picked, for "Saved in …". */
  directoryName: string;
  phase: 'downloading' | 'writing' | 'saved' | 'failed';
  filesDone: number;
  fileCount: number;
  bytesDone: number;
  totalBytes: number;
  /** The folder's name in the picked directory ("photos (1)" when "photos" was taken). */
  savedAs?: string;
  error?: string;
}

/** Downloads the folder (every file stored), reporting progress; resolves with its manifest. */
export type FolderFetch = (onProgress: (progress: FolderProgress) => void) => Promise<FolderManifest>;

export class FolderSaves {
  list = $state<FolderSaveView[]>([]);

  isBusy(contentId: string): boolean {
    const phase = this.list.find((save) => save.contentId === contentId)?.phase;
    return phase === 'downloading' || phase === 'writing';
  }

  /** Downloads a folder, then writes it into `directory`; failures end up on the folder's row. */
  async save(
    folder: { contentId: string; name: string },
    directory: FileSystemDirectoryHandle,
    store: StoredChunkBlobs,
    fetchFolder: FolderFetch,
  ): Promise<void> {
    if (this.isBusy(folder.contentId)) return;
    const { contentId } = folder;
    this.put({ contentId, name: folder.name, directoryName: directory.name, phase: 'downloading', filesDone: 0, fileCount: 0, bytesDone: 0, totalBytes: 0 });
    let manifest: FolderManifest;
    try {
      manifest = await fetchFolder((progress) =>
        this.update(contentId, { filesDone: progress.filesDone, fileCount: progress.fileCount, bytesDone: progress.bytesDone, totalBytes: progress.totalBytes }),
      );
    } catch (error) {
      this.update(contentId, { phase: 'failed', error: `Could not download '${folder.name}': ${asShoalError(error).message}` });
      return;
    }
    this.update(contentId, { phase: 'writing', filesDone: 0, bytesDone: 0 });
    try {
      const savedAs = await writeFolderInto(store, manifest, directory, (progress) =>
        this.update(contentId, { filesDone: progress.filesWritten, fileCount: progress.fileCount, bytesDone: progress.bytesWritten, totalBytes: progress.totalBytes }),
      );
      this.update(contentId, { phase: 'saved', savedAs });
    } catch (error) {
      const message = error instanceof FolderWriteError ? error.message : `Could not save '${folder.name}': ${asShoalError(error).message}`;
      this.update(contentId, { phase: 'failed', error: message });
    }
  }

  private put(view: FolderSaveView): void {
    this.list = [...this.list.filter((save) => save.contentId !== view.contentId), view];
  }

  private update(contentId: string, change: Partial<FolderSaveView>): void {
    this.list = this.list.map((save) => (save.contentId === contentId ? { ...save, ...change } : save));
  }
}
