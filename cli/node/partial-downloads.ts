/**
 * The Node peer's downloads in progress: where each new one is written (`<name>.shoal-partial` under
 * a free name in the downloads folder), its open PartialDownload (one per content id, opened on
 * first use), and moving it to its final name when complete.
 */
import { mkdir, rm } from 'node:fs/promises';
import { ShoalError } from '../../shared/protocol/errors';
import type { Manifest } from '../../shared/protocol/peer-messages';
import { freeFilePath } from './free-path';
import type { PartialLocation } from './library-entries';
import { PARTIAL_SUFFIX, PartialDownload } from './partial-download';

/** What a download is, as far as its partial file is concerned. */
export interface DownloadInProgress {
  contentId: string;
  name: string;
  manifest: Manifest;
  location: PartialLocation;
}

export class PartialDownloads {
  private readonly open = new Map<string, Promise<PartialDownload>>();

  constructor(
    private readonly downloadDir: string,
    private readonly journalPathOf: (contentId: string) => string,
  ) {}

  /** Where a new download of `name` goes: a name no file in the downloads folder has yet. */
  async locationFor(name: string): Promise<PartialLocation> {
    await mkdir(this.downloadDir, { recursive: true });
    const finalPath = await freeFilePath(this.downloadDir, name);
    return { kind: 'partial', partialPath: finalPath + PARTIAL_SUFFIX, finalPath };
  }

  /** The download's partial file, opened (or created) on first use and kept open. */
  partialOf(download: DownloadInProgress): Promise<PartialDownload> {
    let partial = this.open.get(download.contentId);
    if (partial === undefined) {
      partial = PartialDownload.open(download.location.partialPath, this.journalPathOf(download.contentId), download.manifest);
      this.open.set(download.contentId, partial);
      partial.catch(() => this.open.delete(download.contentId));
    }
    return partial;
  }

  /** Deletes the partial file and its journal, open or not. */
  async discard(contentId: string, location: PartialLocation): Promise<void> {
    const partial = this.open.get(contentId);
    this.open.delete(contentId);
    if (partial !== undefined) await (await partial).remove();
    else await rm(location.partialPath, { force: true });
  }

  /** Moves a complete download to its final name (or a numbered one beside it); returns where it went. */
  async finish(download: DownloadInProgress): Promise<string> {
    const partial = await this.partialOf(download);
    if (!partial.isComplete) throw new ShoalError('INTERNAL', `'${download.name}' is not complete yet`);
    this.open.delete(download.contentId);
    return partial.finish(download.location.finalPath);
  }

  /** Closes every open partial file; they stay on disk for next time. */
  async closeAll(): Promise<void> {
    const partials = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(partials.map(async (partial) => (await partial).close()));
  }
}
