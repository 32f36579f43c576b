/** One download the node runs: the engine's Download, what finishing it does, and its view. */
import type { Download, FetchingPeer } from '../engine';
import { ShoalError } from '../protocol/errors';
import { transferViewOf, type TransferView } from './transfer-view';

export interface DownloadRequest {
  contentId: string;
  name: string;
  /** As announced; the verified manifest has the final word. */
  size: number;
  mimeType: string;
  /** A folder's manifest or one of its files: saved with the folder, not on its own (see SinkContext). */
  isFolderPart?: boolean;
}

export class Transfer<Location = unknown> {
  /** Resolves with where the sink put the finished file (a path on Node); rejects with the reason
   * it failed or was cancelled. */
  readonly done: Promise<Location>;
  private finishedPath: string | undefined;
  private lastConnections: FetchingPeer[] = [];

  constructor(
    readonly request: DownloadRequest,
    readonly download: Download,
    finish: () => Promise<Location>,
  ) {
    // Who sent the file stays in the view once it is done (the engine's list is empty by then).
    download.onChange(({ progress }) => {
      if (progress.peers.length > 0) this.lastConnections = progress.peers;
    });
    this.done = download.start().then(async () => {
      if (download.state === 'completed') {
        const location = await finish();
        if (typeof location === 'string') this.finishedPath = location;
        return location;
      }
      throw download.error ?? new ShoalError('CANCELLED', `The download of '${request.name}' was cancelled`);
    });
    // Callers may never await `done` (a REST client that walked away); the failure is in the view.
    this.done.catch(() => {});
  }

  get contentId(): string {
    return this.request.contentId;
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
  doneOrStuck(): Promise<Location> {
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

  /** Hears the view at every state change and at most every progress interval; returns the unsubscribe. */
  onChange(listener: (view: TransferView) => void): () => void {
    return this.download.onChange(() => listener(this.view()));
  }

  view(): TransferView {
    return transferViewOf(this.request, this.download.snapshot(), this.lastConnections, this.finishedPath);
  }
}
