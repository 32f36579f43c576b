/**
 * One file being downloaded: get and check its manifest, record it so a reload can resume, then
 * fetch the missing chunks from every holder at once (chunk-fetcher.ts), reporting state and
 * progress to listeners. When every holder has failed and no new one appears, the download fails
 * with a reason a person can read; a later Download of the same file resumes from what is stored.
 */
import { chunkLength } from '../content/chunking';
import { verifyManifest } from '../content/manifest';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import { ChunkFetcher } from './chunk-fetcher';
import { HolderFailures, type HolderFailure } from './holder-failures';
import type { LinkSource } from './link-pool';
import { fetchVerifiedManifest } from './manifest-fetch';
import { SpeedMeter } from './speed-meter';
import { missingChunkIndices } from './stored-file';
import { ThrottledNotifier } from './throttled-notifier';
import { PROGRESS_INTERVAL_MS } from './transfer-policy';

export type DownloadState = 'connecting' | 'downloading' | 'completed' | 'failed' | 'cancelled';

export interface DownloadProgress {
  bytesDone: number;
  totalBytes: number;
  /** Averaged over the last few seconds. */
  speedBytesPerSec: number;
  /** Undefined while nothing is arriving. */
  etaSeconds: number | undefined;
  /** Holders we are connected to and fetching from. */
  activePeers: number;
}

export interface DownloadSnapshot {
  state: DownloadState;
  progress: DownloadProgress;
  error: ShoalError | undefined;
  /** Holders given up on, and why ("ana sent corrupt data"). */
  peerFailures: HolderFailure[];
}

export interface DownloadOptions {
  contentId: string;
  name: string;
  mimeType: string;
  /** As announced; the verified manifest has the final word. */
  size: number;
  /** Who holds the file now; asked again whenever every known holder has failed. */
  holders: () => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  now?: () => number;
  progressIntervalMs?: number;
}

export class Download {
  readonly contentId: string;
  readonly name: string;
  private currentState: DownloadState = 'connecting';
  private failure: ShoalError | undefined;
  private bytesDone = 0;
  private totalBytes: number;
  private activePeers = 0;
  private speed: SpeedMeter | undefined;
  private fetcher: ChunkFetcher | undefined;
  private isStarted = false;
  private readonly settled: Promise<void>;
  private markSettled: () => void = () => {};
  private readonly failures = new HolderFailures();
  private readonly notifier: ThrottledNotifier<DownloadSnapshot>;
  private readonly now: () => number;

  constructor(private readonly options: DownloadOptions) {
    this.contentId = options.contentId;
    this.name = options.name;
    this.totalBytes = options.size;
    this.now = options.now ?? Date.now;
    this.notifier = new ThrottledNotifier(options.progressIntervalMs ?? PROGRESS_INTERVAL_MS, () => this.snapshot(), this.now);
    this.settled = new Promise((resolve) => {
      this.markSettled = resolve;
    });
  }

  get state(): DownloadState {
    return this.currentState;
  }

  get error(): ShoalError | undefined {
    return this.failure;
  }

  get progress(): DownloadProgress {
    const nowMs = this.now();
    const isMoving = this.currentState === 'downloading' && this.speed !== undefined;
    const remainingBytes = this.totalBytes - this.bytesDone;
    return {
      bytesDone: this.bytesDone,
      totalBytes: this.totalBytes,
      speedBytesPerSec: isMoving ? (this.speed?.bytesPerSecond(nowMs) ?? 0) : 0,
      etaSeconds: this.currentState === 'completed' ? 0 : isMoving ? this.speed?.etaSeconds(remainingBytes, nowMs) : undefined,
      activePeers: this.activePeers,
    };
  }

  snapshot(): DownloadSnapshot {
    return { state: this.currentState, progress: this.progress, error: this.failure, peerFailures: this.failures.list() };
  }

  /** Hears every state change at once and progress at most every PROGRESS_INTERVAL_MS. */
  onChange(listener: (snapshot: DownloadSnapshot) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  /** Starts once (later calls return the same promise). Resolves when the download is completed,
   * failed or cancelled; it never rejects: read `state` and `error`. */
  start(): Promise<void> {
    if (!this.isStarted && !this.isSettled()) void this.run();
    this.isStarted = true;
    return this.settled;
  }

  /** Stops the download; chunks already stored stay, so a new Download of the file resumes. */
  cancel(): void {
    if (this.isSettled()) return;
    this.settle('cancelled');
    this.fetcher?.stop(new ShoalError('CANCELLED', `The download of '${this.name}' was cancelled`));
  }

  private async run(): Promise<void> {
    try {
      const { manifest, initialHolders } = await this.prepareManifest();
      const missing = await missingChunkIndices(this.options.store, this.contentId, manifest);
      this.throwIfSettled();
      this.totalBytes = manifest.size;
      const missingBytes = missing.reduce((sum, index) => sum + chunkLength(manifest.size, manifest.chunkSizeBytes, index), 0);
      this.bytesDone = manifest.size - missingBytes;
      if (missing.length > 0) {
        this.speed = new SpeedMeter(this.now());
        this.setState('downloading');
        this.fetcher = new ChunkFetcher({
          contentId: this.contentId,
          fileName: this.name,
          manifest,
          missing,
          initialHolders,
          holders: this.options.holders,
          pool: this.options.pool,
          store: this.options.store,
          failures: this.failures,
          onChunkStored: (bytes) => this.chunkStored(bytes),
          onActivePeersChanged: (count) => this.activePeersChanged(count),
        });
        await this.fetcher.run();
      }
      this.settle('completed');
    } catch (error) {
      if (this.isSettled()) return;
      this.failure = asShoalError(error);
      this.settle('failed');
    }
  }

  /** The stored manifest when resuming, else one fetched from a holder and recorded for next time. */
  private async prepareManifest(): Promise<{ manifest: Manifest; initialHolders: Holder[] }> {
    const { store, contentId } = this.options;
    const stored = await store.getFile(contentId);
    if (stored !== undefined) {
      const isIntact = await verifyManifest(contentId, stored.manifest).then(() => true, () => false);
      if (isIntact) return { manifest: stored.manifest, initialHolders: [] };
      await store.deleteFile(contentId); // a damaged record cannot be trusted, nor its chunks
    }
    const fetched = await fetchVerifiedManifest({
      contentId,
      fileName: this.name,
      holders: this.options.holders,
      pool: this.options.pool,
      failures: this.failures,
      isCancelled: () => this.isSettled(),
    });
    this.throwIfSettled();
    const { manifest } = fetched;
    const record: FileRecord = { contentId, name: this.name, mimeType: this.options.mimeType, manifest, addedAtMs: this.now() };
    await store.putFile(record);
    return { manifest: fetched.manifest, initialHolders: fetched.holders };
  }

  private chunkStored(bytes: number): void {
    this.bytesDone += bytes;
    this.speed?.record(bytes, this.now());
    this.notifier.changed();
  }

  private activePeersChanged(count: number): void {
    if (count === this.activePeers) return;
    this.activePeers = count;
    this.notifier.changed();
  }

  private setState(state: DownloadState): void {
    this.currentState = state;
    this.notifier.changed(true);
  }

  /** Enters a final state; the first one wins (a cancel racing the last chunk stays a cancel). */
  private settle(state: 'completed' | 'failed' | 'cancelled'): void {
    if (this.isSettled()) return;
    this.activePeers = 0;
    this.setState(state);
    this.markSettled();
  }

  private isSettled(): boolean {
    return this.currentState === 'completed' || this.currentState === 'failed' || this.currentState === 'cancelled';
  }

  private throwIfSettled(): void {
    if (this.isSettled()) throw new ShoalError('CANCELLED', `The download of '${this.name}' was cancelled`);
  }
}
