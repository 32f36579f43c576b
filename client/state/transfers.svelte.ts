/**
 * Downloads in progress and done. Each wraps an engine Download; this module mirrors its progress
 * into plain state for the UI, announces a file as soon as we hold part of it (so others can fetch
 * those chunks from us), resumes half-done downloads after a reload, and hands finished files to
 * the browser as ordinary downloads.
 */
import { realClock } from '../../shared/engine/clock';
import { Download } from '../../shared/engine/download';
import type { DownloadState } from '../../shared/engine/download-report';
import type { LinkPool } from '../../shared/engine/link-pool';
import type { FileRecord } from '../../shared/engine/chunk-store';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import { formatBytes } from '../format';
import type { Alerts } from './alerts.svelte';
import { announcementOf } from '../../shared/engine/file-announcement';
import { describeFetchingPeers } from '../../shared/engine/connection-description';
import { isComplete, type Library } from './library.svelte';
import type { Storage } from './storage.svelte';

/** While downloads run, storage use is shown at most this stale: the estimate moves chunk by chunk. */
const STORAGE_REFRESH_INTERVAL_MS = 2_000;

/** Downloads the person paused, by content id, so a reload keeps them paused. */
const PAUSED_KEY = 'shoal.pausedDownloads';

export interface TransferView {
  contentId: string;
  name: string;
  size: number;
  state: DownloadState;
  bytesDone: number;
  speedBytesPerSec: number;
  etaSeconds: number | undefined;
  activePeers: number;
  /** Who it fetches from and how each is connected ("From ana (direct, 12 ms)"); once completed,
   * the last ones known, so a finished row still says how the file came. */
  connections: string | undefined;
  /** Why it failed or waits, which peers could not be reached or were dropped, in words. */
  note: string | undefined;
}

export interface DownloadRequest {
  contentId: string;
  name: string;
  size: number;
  mimeType: string;
}

export interface TransfersDeps {
  store: IdbChunkStore;
  tracker: TrackerConnection;
  pool: LinkPool;
  library: Library;
  alerts: Alerts;
  storage: Storage;
  myPeerId: () => string | undefined;
}

export class Transfers {
  list = $state<TransferView[]>([]);

  private readonly downloads = new Map<string, Download>();
  private storageRefreshedAtMs = 0;
  private readonly deps: TransfersDeps;

  constructor(deps: TransfersDeps) {
    this.deps = deps;
  }

  isActive(contentId: string): boolean {
    const state = this.downloads.get(contentId)?.state;
    return state !== undefined && state !== 'completed' && state !== 'failed' && state !== 'cancelled';
  }

  /** Starts (or restarts after a failure) the download of one file, if it fits in storage. */
  async start(request: DownloadRequest): Promise<void> {
    if (this.isActive(request.contentId)) return;
    if (!(await this.fitsInStorage(request))) return;
    this.begin(request, false);
  }

  pause(contentId: string): void {
    this.downloads.get(contentId)?.pause();
    this.rememberPaused(contentId, true);
  }

  resume(contentId: string): void {
    this.downloads.get(contentId)?.resume();
    this.rememberPaused(contentId, false);
  }

  /** Stops a download and deletes what it stored; the file is withdrawn from the index. */
  async cancel(contentId: string): Promise<void> {
    const download = this.downloads.get(contentId);
    if (!download) return;
    this.rememberPaused(contentId, false);
    await download.cancel({ discard: true });
    if (this.deps.tracker.isConnected) await this.deps.tracker.withdraw([contentId]).catch(() => undefined);
    void this.deps.storage.refresh();
  }

  /** Resumes downloads that a reload interrupted: records in the store whose chunks are incomplete. */
  async resumeInterrupted(): Promise<void> {
    const paused = pausedIds();
    for (const record of await this.deps.store.listFiles()) {
      if (this.downloads.has(record.contentId) || (await isComplete(this.deps.store, record))) continue;
      this.begin(requestOf(record), paused.includes(record.contentId));
    }
  }

  /** Hands a finished file to the browser again (the row's "Save" button). */
  async save(contentId: string): Promise<void> {
    const record = await this.deps.store.getFile(contentId);
    if (record) saveToDisk(await this.deps.store.fileBlob(record), record.name);
  }

  private begin(request: DownloadRequest, isPaused: boolean): void {
    const download = new Download(request, {
      // We never download from ourselves, even if we hold part of the file.
      holders: async () => {
        const myId = this.deps.myPeerId();
        return (await this.deps.tracker.holders(request.contentId)).filter((holder) => holder.id !== myId);
      },
      pool: this.deps.pool,
      store: this.deps.store,
      clock: realClock,
    });
    this.downloads.set(request.contentId, download);
    let isAnnounced = false;
    download.onChange(() => {
      this.showProgress(request, download);
      this.refreshStorageNowAndThen();
      if (!isAnnounced && download.state === 'downloading') {
        isAnnounced = true;
        void this.announcePartial(request.contentId);
      }
    });
    if (isPaused) download.pause();
    this.showProgress(request, download);
    void this.run(request, download);
  }

  private async run(request: DownloadRequest, download: Download): Promise<void> {
    await download.start();
    this.showProgress(request, download);
    void this.deps.storage.refresh();
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

  /** Lets other peers find us as a (partial) holder once the verified manifest is stored. */
  private async announcePartial(contentId: string): Promise<void> {
    const record = await this.deps.store.getFile(contentId);
    if (record && this.deps.tracker.isConnected) {
      await this.deps.tracker.announce([announcementOf(record)]).catch(() => undefined);
    }
  }

  private async fitsInStorage(request: DownloadRequest): Promise<boolean> {
    await this.deps.storage.refresh();
    const available = this.deps.storage.availableBytes;
    const record = await this.deps.store.getFile(request.contentId);
    const alreadyStored = record ? (await this.deps.store.listChunkIndices(request.contentId)).length * record.manifest.chunkSizeBytes : 0;
    const needed = Math.max(0, request.size - alreadyStored);
    if (available === undefined || needed <= available) return true;
    this.deps.alerts.show(
      `Not enough storage for '${request.name}': it needs ${formatBytes(needed)} and this browser can store ${formatBytes(available)} more. ` +
        'Remove some files from My files and try again.',
    );
    return false;
  }

  /** Storage use grows with every stored chunk; the estimate is asked again at most every few seconds. */
  private refreshStorageNowAndThen(): void {
    const nowMs = Date.now();
    if (nowMs - this.storageRefreshedAtMs < STORAGE_REFRESH_INTERVAL_MS) return;
    this.storageRefreshedAtMs = nowMs;
    void this.deps.storage.refresh();
  }

  private rememberPaused(contentId: string, isPaused: boolean): void {
    const others = pausedIds().filter((id) => id !== contentId);
    localStorage.setItem(PAUSED_KEY, JSON.stringify(isPaused ? [...others, contentId] : others));
  }

  private showProgress(request: DownloadRequest, download: Download): void {
    const index = this.list.findIndex((entry) => entry.contentId === request.contentId);
    const view = viewOf(request, download, this.list[index]);
    this.list = index === -1 ? [...this.list, view] : this.list.map((entry, i) => (i === index ? view : entry));
  }
}

function pausedIds(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(PAUSED_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function viewOf(request: DownloadRequest, download: Download, previous: TransferView | undefined): TransferView {
  const snapshot = download.snapshot();
  const dropped = snapshot.peerFailures
    .filter((failure) => failure.isDropped)
    .map((failure) => `${failure.name} sent corrupt data and was dropped`);
  const reason = snapshot.error?.message ?? snapshot.waitingReason?.message;
  // While others send the file, a holder we cannot reach is still worth a word (the waiting reason
  // already names it when nobody can send).
  const unreachable =
    snapshot.waitingReason === undefined
      ? snapshot.peerFailures.filter((failure) => failure.code === 'PEER_UNREACHABLE').map((failure) => failure.message)
      : [];
  const note = [reason, ...unreachable, ...dropped].filter((part) => part !== undefined).join(' · ') || undefined;
  return {
    contentId: request.contentId,
    name: request.name,
    size: request.size,
    state: snapshot.state,
    bytesDone: snapshot.progress.bytesDone,
    speedBytesPerSec: snapshot.progress.speedBytesPerSec,
    etaSeconds: snapshot.progress.etaSeconds,
    activePeers: snapshot.progress.activePeers,
    connections:
      describeFetchingPeers(snapshot.progress.peers) ?? (snapshot.state === 'completed' ? previous?.connections : undefined),
    note,
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
