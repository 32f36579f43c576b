/**
 * Downloads a folder: its manifest first (an ordinary file, fetched and verified by the engine),
 * then every file in it through the same engine, a few at once, the files with the fewest holders
 * first (rarest-first-files.ts; each download schedules its own chunks rarest first too, and the
 * link pool shares the connections). Progress covers the whole folder.
 * Saving the tree is the host's business (the CLI writes it under --out, the browser zips it);
 * every part is marked `isFolderPart`, so the host's sink does not save it on its own.
 */
import { type ChunkStore, type Clock, realClock } from '../engine';
import { ShoalError } from '../protocol/errors';
import type { FolderManifest } from '../protocol/folder-manifest';
import type { SearchResult } from '../protocol/tracker-messages';
import { readFolderManifest } from './folders';
import { fetchRarestFirst } from './rarest-first-files';
import type { DownloadRequest, Transfer } from './transfer';

export interface FolderProgress {
  bytesDone: number;
  totalBytes: number;
  filesDone: number;
  fileCount: number;
}

/** What a folder download needs of the node. */
export interface FolderDownloadHost<Location> {
  store: ChunkStore;
  start(request: DownloadRequest): Transfer<Location>;
  /** How many peers hold a file now, to fetch the rarest first; without it, files go in path order. */
  holderCount?: (contentId: string) => Promise<number>;
  clock?: Clock;
}

export interface FolderDownloadOptions {
  /** Otherwise fails with NO_HOLDER as soon as no holder can send a missing part. */
  waitsForHolder?: boolean;
  onProgress?: (progress: FolderProgress) => void;
  /** Files fetched at once (FOLDER_FILES_IN_PARALLEL by default). */
  filesInParallel?: number;
}

export async function downloadFolder<Location>(
  host: FolderDownloadHost<Location>,
  folder: Pick<SearchResult, 'contentId' | 'name' | 'size' | 'mimeType'>,
  options: FolderDownloadOptions = {},
): Promise<FolderManifest> {
  const finish = (transfer: Transfer<Location>): Promise<Location> => (options.waitsForHolder === true ? transfer.done : transfer.doneOrStuck());
  // The manifest is stored under its own name: hosts never save it on its own (isFolderPart).
  const manifestTransfer = host.start({
    contentId: folder.contentId,
    name: folder.name,
    size: folder.size,
    mimeType: folder.mimeType,
    isFolderPart: true,
  });
  await finish(manifestTransfer);
  const manifest = await readFolderManifest(host.store, folder.contentId);
  if (manifest === undefined) throw new ShoalError('BAD_REQUEST', `'${folder.name}' is not a valid folder`);

  const totalBytes = manifest.entries.reduce((sum, entry) => sum + entry.size, 0);
  const bytesDone = new Map<string, number>();
  let filesDone = 0;
  const report = (): void => {
    let done = 0;
    for (const bytes of bytesDone.values()) done += bytes;
    options.onProgress?.({ bytesDone: Math.min(done, totalBytes), totalBytes, filesDone, fileCount: manifest.entries.length });
  };
  // One download per distinct content (two paths may hold the same bytes): ranked by its first path.
  const byContent = new Map<string, FolderManifest['entries'][number]>();
  for (const entry of manifest.entries) if (!byContent.has(entry.contentId)) byContent.set(entry.contentId, entry);
  await fetchRarestFirst(
    [...byContent.values()],
    async (entry) => {
      const transfer = host.start({
        contentId: entry.contentId,
        // The whole path, not the base name: two files named alike ("a/readme.txt", "b/readme.txt")
        // downloading at once must not be given the same name by a host that names files by it.
        name: entry.path,
        size: entry.size,
        mimeType: entry.mimeType,
        isFolderPart: true,
      });
      const stop = transfer.onChange((view) => {
        bytesDone.set(entry.contentId, view.state === 'completed' ? entry.size : view.bytesDone);
        report();
      });
      try {
        await finish(transfer);
      } finally {
        stop();
      }
      bytesDone.set(entry.contentId, entry.size);
      filesDone += manifest.entries.filter((other) => other.contentId === entry.contentId).length;
      report();
    },
    {
      holderCount: host.holderCount ?? (async () => 0),
      clock: host.clock ?? realClock,
      ...(options.filesInParallel !== undefined ? { filesInParallel: options.filesInParallel } : {}),
    },
  );
  return manifest;
}
