/**
 * The node's downloads: start one (or get the one running), pause and resume (remembered in the
 * settings, so a restart keeps a paused download paused), cancel (its chunks discarded and the
 * partial holding withdrawn), resume what a restart interrupted. A download is announced as a
 * partial holding as soon as it holds its verified manifest; when it completes the host's sink
 * takes the file and the library announces it complete.
 */
import { type ChunkStore, type Clock, Download, type DownloadTuning, type LinkSource, isStoredFileComplete } from '../engine';
import type { ComponentLogger } from '../logging/logger';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';
import type { Library } from './library';
import type { NodeEvents } from './node-events';
import type { NodeSettings } from './node-settings';
import type { FinishedFileSink } from './parts';
import { Transfer, type DownloadRequest } from './transfer';
import type { TransferView } from './transfer-view';

export interface TransfersOptions<Location> {
  store: ChunkStore;
  pool: LinkSource;
  library: Library;
  settings: NodeSettings;
  events: NodeEvents;
  sink: FinishedFileSink<Location>;
  clock: Clock;
  logger?: ComponentLogger;
  /** Who holds a file now, never ourselves. */
  holders: (contentId: string) => Promise<Holder[]>;
  /** For tests: the engine's intervals and caps. */
  tuning?: Partial<DownloadTuning>;
}

export class Transfers<Location> {
  private readonly transfers = new Map<string, Transfer<Location>>();

  constructor(private readonly options: TransfersOptions<Location>) {}

  get(contentId: string): Transfer<Location> | undefined {
    return this.transfers.get(contentId);
  }

  isActive(contentId: string): boolean {
    return this.transfers.get(contentId)?.isActive === true;
  }

  list(): TransferView[] {
    return [...this.transfers.values()].map((transfer) => transfer.view());
  }

  /** Starts a download, or returns the one already running for the same file. */
  start(request: DownloadRequest, options: { isPaused?: boolean } = {}): Transfer<Location> {
    const running = this.transfers.get(request.contentId);
    if (running?.isActive) return running;
    const { store, pool, clock, logger, holders, tuning } = this.options;
    const file = { contentId: request.contentId, name: request.name, size: request.size, mimeType: request.mimeType };
    const download = new Download(
      file,
      { holders: () => holders(request.contentId), pool, store, clock, ...(logger !== undefined ? { logger } : {}) },
      tuning,
    );
    const transfer = new Transfer<Location>(request, download, () => this.finish(request));
    this.transfers.set(request.contentId, transfer);
    let isAnnounced = false;
    download.onChange(() => {
      // The verified manifest is stored once chunks are being fetched: others may fetch from us now.
      if (!isAnnounced && download.state === 'downloading') {
        isAnnounced = true;
        void this.options.library.addPartial(request.contentId).catch(() => undefined);
      }
      this.changed(transfer);
    });
    if (options.isPaused === true) download.pause();
    transfer.done.then(
      () => this.changed(transfer),
      (error: unknown) => {
        if (download.state !== 'failed') return;
        this.message('error', `Download of '${request.name}' failed: ${asShoalError(error).message}`);
      },
    );
    this.changed(transfer);
    return transfer;
  }

  pause(contentId: string): Promise<void> {
    this.transfers.get(contentId)?.download.pause();
    return this.options.settings.setPaused(contentId, true);
  }

  resume(contentId: string): Promise<void> {
    this.transfers.get(contentId)?.download.resume();
    return this.options.settings.setPaused(contentId, false);
  }

  /** Stops a download and deletes what it stored; its partial holding is withdrawn. */
  async cancel(contentId: string): Promise<void> {
    const transfer = this.transfers.get(contentId);
    if (transfer === undefined) return;
    await this.options.settings.setPaused(contentId, false);
    await transfer.download.cancel({ discard: true });
    await this.options.library.dropPartial(contentId).catch(() => undefined);
  }

  /** Restarts downloads a reload or restart interrupted (records whose chunks are incomplete),
   * paused if the person had paused them. */
  async resumeInterrupted(): Promise<Transfer<Location>[]> {
    const paused = await this.options.settings.pausedIds();
    const resumed: Transfer<Location>[] = [];
    for (const record of await this.options.store.listFiles()) {
      if (this.isActive(record.contentId) || (await isStoredFileComplete(this.options.store, record.contentId))) continue;
      const request = { contentId: record.contentId, name: record.name, size: record.manifest.size, mimeType: record.mimeType };
      resumed.push(this.start(request, { isPaused: paused.includes(record.contentId) }));
    }
    return resumed;
  }

  /** Stops every download, keeping its verified chunks (the node is leaving). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.transfers.values()].map((transfer) => transfer.download.cancel()));
  }

  /** The sink takes the finished file, then the library announces it complete. */
  private async finish(request: DownloadRequest): Promise<Location> {
    const record = await this.options.store.getFile(request.contentId);
    if (record === undefined) throw new ShoalError('FILE_NOT_FOUND', `'${request.name}' vanished from the store as it completed`);
    const location = await this.options.sink(record, { isFolderPart: request.isFolderPart === true });
    // The file is ours whether or not the tracker hears of it now; the next join announces it.
    await this.options.library
      .add((await this.options.store.getFile(request.contentId)) ?? record)
      .catch((error: unknown) => this.message('warning', `Could not announce '${record.name}': ${asShoalError(error).message}`));
    await this.options.settings.setPaused(request.contentId, false);
    return location;
  }

  private changed(transfer: Transfer<Location>): void {
    this.options.events.emit('transfer', transfer.view());
  }

  private message(level: 'info' | 'warning' | 'error', text: string): void {
    this.options.events.emit('message', { level, about: 'transfer', text });
  }
}
