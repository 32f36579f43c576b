/**
 * The Node peer's downloads: each wraps an engine Download writing into the file-system store.
 * When one completes, its partial file is renamed to the real name and the file is announced, so
 * the downloader seeds it. A download whose process was killed resumes from its verified chunks.
 */
import { realClock } from '../../shared/engine/clock';
import { Download } from '../../shared/engine/download';
import type { DownloadState, FetchingPeer } from '../../shared/engine/download-report';
import type { LinkSource } from '../../shared/engine/link-pool';
import { ShoalError } from '../../shared/protocol/errors';
import type { FsChunkStore } from './fs-chunk-store';
import type { Library } from './library';
import type { TrackerSession } from './tracker-session';

export interface DownloadRequest {
  contentId: string;
  name: string;
  sizeBytes: number;
  mimeType: string;
}

export interface TransferView {
  contentId: string;
  name: string;
  sizeBytes: number;
  state: DownloadState;
  bytesDone: number;
  speedBytesPerSec: number;
  etaSeconds: number | undefined;
  /** Holders we are fetching from right now. */
  peers: number;
  /** Those holders and how each is connected; once completed, the last ones known. */
  connections: FetchingPeer[];
  error: string | undefined;
  /** While waiting: why no holder can send the file now. */
  waitingReason: string | undefined;
  /** Where the file is once completed. */
  path: string | undefined;
}

export class Transfer {
  /** Resolves with the path of the finished file; rejects with the reason it failed. */
  readonly done: Promise<string>;
  private finishedPath: string | undefined;
  private lastConnections: FetchingPeer[] = [];

  constructor(
    readonly request: DownloadRequest,
    readonly download: Download,
    finish: () => Promise<string>,
  ) {
    this.done = download.start().then(async () => {
      if (download.state === 'completed') {
        this.finishedPath = await finish();
        return this.finishedPath;
      }
      throw download.error ?? new ShoalError('CANCELLED', `The download of '${request.name}' was cancelled`);
    });
    // Who sent the file stays in the view once it is done (the engine's list is empty by then).
    download.onChange(({ progress }) => {
      if (progress.peers.length > 0) this.lastConnections = progress.peers;
    });
    // Callers may never await `done` (a REST client that walked away); the failure is in the view.
    this.done.catch(() => {});
  }

  get isActive(): boolean {
    const { state } = this.download;
    return state !== 'completed' && state !== 'failed' && state !== 'cancelled';
  }

  /**
   * Like `done`, but also rejects (with the engine's reason, code NO_HOLDER) as soon as no holder
   * can send the file, for callers that should not wait for one to appear. The download itself
   * goes on waiting; cancel it to stop.
   */
  doneOrStuck(): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const reason = this.download.waitingReason;
        if (reason === undefined) return;
        stop();
        reject(reason);
      };
      const stop = this.download.onChange(check);
      this.done.then(resolve, reject).finally(stop);
      check();
    });
  }

  view(): TransferView {
    const { progress } = this.download;
    return {
      contentId: this.request.contentId,
      name: this.request.name,
      sizeBytes: progress.totalBytes,
      state: this.download.state,
      bytesDone: progress.bytesDone,
      speedBytesPerSec: progress.speedBytesPerSec,
      etaSeconds: progress.etaSeconds,
      peers: progress.activePeers,
      connections: this.download.state === 'completed' ? this.lastConnections : progress.peers,
      error: this.download.error?.message,
      waitingReason: this.download.waitingReason?.message,
      path: this.finishedPath,
    };
  }
}

export interface TransfersOptions {
  store: FsChunkStore;
  session: TrackerSession;
  pool: LinkSource;
  library: Library;
}

export class Transfers {
  private readonly transfers = new Map<string, Transfer>();

  constructor(private readonly options: TransfersOptions) {}

  /** Starts a download, or returns the one already running for the same file. */
  start(request: DownloadRequest): Transfer {
    const running = this.transfers.get(request.contentId);
    if (running?.isActive) return running;
    const { store, session, pool, library } = this.options;
    const { contentId, name, mimeType, sizeBytes } = request;
    const download = new Download({ contentId, name, mimeType, size: sizeBytes }, {
      // Never download from ourselves, even when we hold part of the file.
      holders: async () => {
        const myId = session.me?.id;
        return (await session.connection.holders(request.contentId)).filter((holder) => holder.id !== myId);
      },
      pool,
      store,
      clock: realClock,
    });
    const transfer = new Transfer(request, download, async () => {
      const finalPath = await store.finishDownload(request.contentId);
      const record = await store.getFile(request.contentId);
      if (record !== undefined) await library.announce(record);
      return finalPath;
    });
    this.transfers.set(request.contentId, transfer);
    return transfer;
  }

  /** Restarts downloads a previous run left half done. */
  async resumeInterrupted(): Promise<Transfer[]> {
    const resumed: Transfer[] = [];
    for (const held of await this.options.store.heldFiles()) {
      if (held.isComplete || this.transfers.get(held.record.contentId)?.isActive) continue;
      const { contentId, name, mimeType, manifest } = held.record;
      resumed.push(this.start({ contentId, name, mimeType, sizeBytes: manifest.size }));
    }
    return resumed;
  }

  get(contentId: string): Transfer | undefined {
    return this.transfers.get(contentId);
  }

  list(): TransferView[] {
    return [...this.transfers.values()].map((transfer) => transfer.view());
  }

  cancelAll(): void {
    for (const transfer of this.transfers.values()) transfer.download.cancel();
  }
}
