/**
 * Downloads in progress and done, mirrored from the peer node into rows for the UI. The browser's
 * own part: refusing a download that does not fit in the storage quota, keeping the storage
 * estimate current while chunks arrive, and handing a finished file to the browser again ("Save").
 */
import { describeFetchingPeers } from '../../shared/engine';
import type { PeerNode } from '../../shared/node/peer-node';
import type { DownloadRequest } from '../../shared/node/transfer';
import type { TransferView as NodeTransferView } from '../../shared/node/transfer-view';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import { saveBlob } from '../adapters/save-blob';
import { downloadFolder } from '../../shared/node/folder-download';
import { readFolderManifest } from '../../shared/node/folders';
import { FOLDER_MIME_TYPE } from '../../shared/protocol/folder-manifest';
import { saveFolderAsZip } from '../folders/folder-zip';
import { FolderSaves } from '../folders/folder-saves.svelte';
import { formatBytes } from '../format';
import type { Alerts } from './alerts.svelte';
import type { Storage } from './storage.svelte';

export type { DownloadRequest } from '../../shared/node/transfer';

/** While downloads run, storage use is shown at most this stale: the estimate moves chunk by chunk. */
const STORAGE_REFRESH_INTERVAL_MS = 2_000;

/** The node's view of a transfer as a row shows it: who sends it in words ("From ana (direct,
 * 12 ms)"), and `note` standing for the failure and waiting reasons it already contains. */
export type TransferView = Pick<
  NodeTransferView,
  'contentId' | 'name' | 'size' | 'state' | 'bytesDone' | 'speedBytesPerSec' | 'etaSeconds' | 'activePeers' | 'note'
> & { connections: string | undefined };

export class Transfers {
  list = $state<TransferView[]>([]);
  /** Folders being saved with "Save to folder…" (client/folders/folder-saves.svelte.ts). */
  readonly folderSaves = new FolderSaves();

  private readonly node: PeerNode<undefined>;
  private readonly store: IdbChunkStore;
  private readonly alerts: Alerts;
  private readonly storage: Storage;
  private storageRefreshedAtMs = 0;

  constructor(node: PeerNode<undefined>, store: IdbChunkStore, alerts: Alerts, storage: Storage) {
    this.node = node;
    this.store = store;
    this.alerts = alerts;
    this.storage = storage;
    node.on('transfer', (view) => {
      this.show(view);
      if (view.state === 'completed' || view.state === 'failed') void this.storage.refresh();
      else this.refreshStorageNowAndThen();
    });
  }

  isActive(contentId: string): boolean {
    if (this.folderSaves.isBusy(contentId)) return true;
    const state = this.list.find((entry) => entry.contentId === contentId)?.state;
    return state !== undefined && state !== 'completed' && state !== 'failed' && state !== 'cancelled';
  }

  /** Starts (or restarts after a failure) the download of one file, if it fits in storage. A folder
   * is saved as one ZIP, or written into `saveTo` (a directory from "Save to folder…"). */
  async start(request: DownloadRequest, options: { saveTo?: FileSystemDirectoryHandle } = {}): Promise<void> {
    if (this.node.transfers.isActive(request.contentId)) return;
    if (!(await this.fitsInStorage(request))) return;
    if (request.mimeType === FOLDER_MIME_TYPE) {
      await this.downloadFolder(request, options.saveTo);
      return;
    }
    this.node.download({ contentId: request.contentId, name: request.name, size: request.size, mimeType: request.mimeType });
  }

  /** A folder: its manifest, then every file (rows for each), then one ZIP handed to the browser. */
  private async downloadFolder(request: DownloadRequest, saveTo: FileSystemDirectoryHandle | undefined): Promise<void> {
    const host = this.node.folderDownloadHost();
    if (saveTo !== undefined) {
      await this.folderSaves.save(request, saveTo, this.store, async (onProgress) => {
        // A folder this browser holds is written from the store, without a download.
        const held = this.node.library.holds(request.contentId) ? await readFolderManifest(this.store, request.contentId) : undefined;
        return held ?? downloadFolder(host, request, { waitsForHolder: true, onProgress });
      });
      return;
    }
    try {
      const manifest = await downloadFolder(host, request, { waitsForHolder: true });
      await saveFolderAsZip(this.store, manifest);
    } catch (error) {
      this.alerts.showError(error);
    }
  }

  pause(contentId: string): void {
    void this.node.transfers.pause(contentId);
  }

  resume(contentId: string): void {
    void this.node.transfers.resume(contentId);
  }

  /** Stops a download and deletes what it stored; the file is withdrawn from the index. */
  async cancel(contentId: string): Promise<void> {
    await this.node.transfers.cancel(contentId);
    void this.storage.refresh();
  }

  /** Hands a finished file to the browser again (the row's "Save" button). */
  async save(contentId: string): Promise<void> {
    const record = await this.store.getFile(contentId);
    if (record) saveBlob(await this.store.fileBlob(record), record.name);
  }

  /** The estimate and what is stored already are read side by side: each is a round trip to the
   * browser's storage, and both stand between the click and the download starting. */
  private async fitsInStorage(request: DownloadRequest): Promise<boolean> {
    const [, alreadyStored] = await Promise.all([this.storage.refresh(), this.storedBytesOf(request.contentId)]);
    const available = this.storage.availableBytes;
    const needed = Math.max(0, request.size - alreadyStored);
    if (available === undefined || needed <= available) return true;
    this.alerts.show(
      `Not enough storage for '${request.name}': it needs ${formatBytes(needed)} and this browser can store ${formatBytes(available)} more. ` +
        'Remove some files from My files and try again.',
    );
    return false;
  }

  private async storedBytesOf(contentId: string): Promise<number> {
    const [record, indices] = await Promise.all([this.store.getFile(contentId), this.store.listChunkIndices(contentId)]);
    return record ? indices.length * record.manifest.chunkSizeBytes : 0;
  }

  /** Storage use grows with every stored chunk; the estimate is asked again at most every few seconds. */
  private refreshStorageNowAndThen(): void {
    const nowMs = Date.now();
    if (nowMs - this.storageRefreshedAtMs < STORAGE_REFRESH_INTERVAL_MS) return;
    this.storageRefreshedAtMs = nowMs;
    void this.storage.refresh();
  }

  private show(view: NodeTransferView): void {
    const { contentId, name, size, state, bytesDone, speedBytesPerSec, etaSeconds, activePeers, note } = view;
    const connections = describeFetchingPeers(view.connections);
    const row: TransferView = { contentId, name, size, state, bytesDone, speedBytesPerSec, etaSeconds, activePeers, note, connections };
    const index = this.list.findIndex((entry) => entry.contentId === view.contentId);
    this.list = index === -1 ? [...this.list, row] : this.list.map((entry, i) => (i === index ? row : entry));
  }
}
