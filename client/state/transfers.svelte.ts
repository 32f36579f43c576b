/**
 * Downloads in progress and done. Each wraps an engine Download; this module mirrors its progress
 * into plain state for the UI, resumes half-done downloads after a reload, and hands finished files
 * to the browser as ordinary downloads.
 */
import { Download, type DownloadState } from '../../shared/engine/download';
import type { LinkPool } from '../../shared/engine/link-pool';
import type { FileRecord } from '../../shared/engine/chunk-store';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import type { Alerts } from './alerts.svelte';
import { isComplete, type Library } from './library.svelte';

export interface TransferView {
  contentId: string;
  name: string;
  size: number;
  state: DownloadState;
  bytesDone: number;
  speedBytesPerSec: number;
  etaSeconds: number | undefined;
  activePeers: number;
  error: string | undefined;
}

export interface DownloadRequest {
  contentId: string;
  name: string;
  size: number;
  mimeType: string;
}

export class Transfers {
  list = $state<TransferView[]>([]);

  private readonly downloads = new Map<string, Download>();
  private readonly deps: {
    store: IdbChunkStore;
    tracker: TrackerConnection;
    pool: LinkPool;
    library: Library;
    alerts: Alerts;
    myPeerId: () => string | undefined;
  };

  constructor(deps: Transfers['deps']) {
    this.deps = deps;
  }

  isActive(contentId: string): boolean {
    const state = this.downloads.get(contentId)?.state;
    return state === 'connecting' || state === 'downloading';
  }

  /** Starts (or restarts after a failure) the download of one file. */
  start(request: DownloadRequest): void {
    if (this.isActive(request.contentId)) return;
    const download = new Download({
      ...request,
      // We never download from ourselves, even if we hold part of the file.
      holders: async () => {
        const myId = this.deps.myPeerId();
        return (await this.deps.tracker.holders(request.contentId)).filter((holder) => holder.id !== myId);
      },
      pool: this.deps.pool,
      store: this.deps.store,
    });
    this.downloads.set(request.contentId, download);
    this.upsert(viewOf(request, download));
    download.onChange(() => this.upsert(viewOf(request, download)));
    void this.run(request, download);
  }

  /** Resumes downloads that a reload interrupted: records in the store whose chunks are incomplete. */
  async resumeInterrupted(): Promise<void> {
    for (const record of await this.deps.store.listFiles()) {
      if (this.downloads.has(record.contentId) || (await isComplete(this.deps.store, record))) continue;
      this.start(requestOf(record));
    }
  }

  /** Hands a finished file to the browser again (the row's "Save" button). */
  async save(contentId: string): Promise<void> {
    const record = await this.deps.store.getFile(contentId);
    if (record) saveToDisk(await this.deps.store.fileBlob(record), record.name);
  }

  private async run(request: DownloadRequest, download: Download): Promise<void> {
    await download.start();
    if (download.state === 'failed' && download.error) {
      this.deps.alerts.show(`Download of '${request.name}' failed: ${download.error.message}`);
      return;
    }
    if (download.state !== 'completed') return;
    const record = await this.deps.store.getFile(request.contentId);
    if (!record) return;
    saveToDisk(await this.deps.store.fileBlob(record), record.name);
    await this.deps.library.add(record);
  }

  private upsert(view: TransferView): void {
    const index = this.list.findIndex((entry) => entry.contentId === view.contentId);
    this.list = index === -1 ? [...this.list, view] : this.list.map((entry, i) => (i === index ? view : entry));
  }
}

function viewOf(request: DownloadRequest, download: Download): TransferView {
  const { progress } = download;
  return {
    contentId: request.contentId,
    name: request.name,
    size: request.size,
    state: download.state,
    bytesDone: progress.bytesDone,
    speedBytesPerSec: progress.speedBytesPerSec,
    etaSeconds: progress.etaSeconds,
    activePeers: progress.activePeers,
    error: download.error?.message,
  };
}

function requestOf(record: FileRecord): DownloadRequest {
  return { contentId: record.contentId, name: record.name, size: record.manifest.size, mimeType: record.mimeType };
}

/** Triggers the browser's ordinary download of a Blob under the file's name. */
function saveToDisk(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started once click() returns; the URL is kept a while for slow save dialogs.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
