/**
 * One file being downloaded: get and check its manifest, record it so a reload can resume (and so
 * we can serve the chunks we get to others at once), then fetch the missing chunks from every
 * holder at once (chunk-fetcher.ts), reporting state and progress to listeners. It can be paused
 * and resumed. While no holder can send what is missing it waits, saying why, and goes on by itself
 * when one can; it fails only for reasons that will not pass by themselves: the store cannot
 * write, or every holder describes a different file than the content id names. A media player can
 * focus it on the chunk at its playhead and wait for that chunk (`focusOn`, `whenStored`).
 */
import { chunkCount, chunkLength } from '../content/chunking';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import { ChunkFetcher } from './chunk-fetcher';
import type { CancelOptions, DownloadDeps, DownloadFile } from './download-inputs';
import { cancelledError, type DownloadProgress, type DownloadSnapshot, type DownloadState } from './download-report';
import { DownloadPlayback } from './download-playback';
import { DownloadProgressMeter } from './download-progress';
import { downloadTuning, type DownloadTuning } from './download-tuning';
import { HolderFailures } from './holder-failures';
import type { FetchingPeer } from './peer-paths';
import { acquireManifest, type AcquiredManifest } from './manifest-acquisition';
import { PauseGate } from './pause-gate';
import { missingChunkIndices } from './stored-file';
import { ThrottledNotifier } from './throttled-notifier';
import { HOLDER_RETRY_BACKOFF_MAX_MS } from './transfer-policy';
import { silentLogger, type Logger } from '../logging/logger';

export type { DownloadTuning } from './download-tuning';

type Phase = 'connecting' | 'downloading';
type FinalState = 'completed' | 'failed' | 'cancelled';

export class Download {
  readonly contentId: string;
  readonly name: string;
  readonly mimeType: string;
  private phase: Phase = 'connecting';
  private finalState: FinalState | undefined;
  private isPausedByUser = false;
  private currentWaitingReason: ShoalError | undefined;
  private failure: ShoalError | undefined;
  private readonly meter: DownloadProgressMeter;
  private fetcher: ChunkFetcher | undefined;
  private readonly playback: DownloadPlayback;
  private running: Promise<void> | undefined;
  private readonly settled: Promise<void>;
  private markSettled: () => void = () => {};
  /** Aborts when the download ends (cancelled, completed or failed); every wait and query of the
   * download listens to it, so a cancel stops them at once. */
  private readonly lifetime = new AbortController();
  /** Closed while paused; resuming opens it and ends a wait between manifest attempts early. */
  private readonly gate = new PauseGate();
  private readonly failures: HolderFailures;
  private readonly notifier: ThrottledNotifier<DownloadSnapshot>;
  private readonly tuning: DownloadTuning;
  private readonly log: Logger;

  constructor(
    file: DownloadFile,
    private readonly deps: DownloadDeps,
    tuning: Partial<DownloadTuning> = {},
  ) {
    this.contentId = file.contentId;
    this.name = file.name;
    this.mimeType = file.mimeType;
    this.meter = new DownloadProgressMeter(file.size);
    this.playback = new DownloadPlayback(file.name);
    this.tuning = downloadTuning(tuning);
    this.log = (deps.logger ?? silentLogger).forComponent('shoal:engine:download');
    const initialMs = this.tuning.holderRetryBackoffMs;
    this.failures = new HolderFailures({ initialMs, maxMs: Math.max(initialMs, HOLDER_RETRY_BACKOFF_MAX_MS) });
    this.notifier = new ThrottledNotifier(this.tuning.progressIntervalMs, () => this.snapshot(), deps.clock);
    this.settled = new Promise((resolve) => {
      this.markSettled = resolve;
    });
  }

  get state(): DownloadState {
    if (this.finalState !== undefined) return this.finalState;
    if (this.isPausedByUser) return 'paused';
    return this.currentWaitingReason === undefined ? this.phase : 'waiting';
  }

  get error(): ShoalError | undefined {
    return this.failure;
  }

  /** Why the download is waiting; undefined unless `state` is 'waiting'. */
  get waitingReason(): ShoalError | undefined {
    return this.state === 'waiting' ? this.currentWaitingReason : undefined;
  }

  get progress(): DownloadProgress {
    return this.meter.report(this.state, this.deps.clock.now());
  }

  snapshot(): DownloadSnapshot {
    return {
      state: this.state,
      progress: this.progress,
      error: this.failure,
      waitingReason: this.waitingReason,
      peerFailures: this.failures.list(),
    };
  }

  /** Hears every state change at once and progress at most every PROGRESS_INTERVAL_MS. */
  onChange(listener: (snapshot: DownloadSnapshot) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  /** Starts once (later calls return the same promise). Resolves when the download is completed,
   * failed or cancelled; it never rejects: read `state` and `error`. A download paused before it
   * started waits for `resume`. */
  start(): Promise<void> {
    if (this.running === undefined && this.finalState === undefined) this.running = this.run();
    return this.settled;
  }

  /** Fetches from chunk `index` on first, in order, then the rest rarest first (ChunkScheduler.focusOn);
   * a seek is a new focus, undefined drops it. Kept across pause and resume. */
  focusOn(index: number | undefined): void {
    this.playback.focusOn(index);
  }

  /** Resolves once chunk `index` is verified and stored (at once if it is); rejects when the download
   * fails or is cancelled first (its error), the index is not in the file, or `signal` aborts (its reason).
   * While awaited the chunk is fetched before any other. */
  whenStored(index: number, signal?: AbortSignal): Promise<void> {
    return this.playback.whenStored(index, signal);
  }

  /** Stops requesting chunks (those in flight are cancelled); state 'paused' until `resume`. */
  pause(): void {
    if (this.finalState !== undefined || this.isPausedByUser) return;
    this.isPausedByUser = true;
    this.gate.close();
    this.fetcher?.pause();
    this.notifier.changed(true);
  }

  resume(): void {
    if (this.finalState !== undefined || !this.isPausedByUser) return;
    this.isPausedByUser = false;
    this.fetcher?.resume();
    this.gate.open();
    this.notifier.changed(true);
  }

  /**
   * Stops the download. Chunks already stored stay, so a new Download of the file resumes, unless
   * `discard` is set: then the file's record and chunks are deleted. The returned promise (and
   * `start`'s) resolves once the download has stopped and, with `discard`, the chunks are gone.
   */
  cancel(options: CancelOptions = {}): Promise<void> {
    if (this.finalState !== undefined) return this.settled;
    this.enterFinalState('cancelled', false);
    if (options.discard) void this.discard().finally(() => this.markSettled());
    else this.markSettled();
    return this.settled;
  }

  private async discard(): Promise<void> {
    const { store } = this.deps;
    const { contentId } = this;
    const sayWhy = (error: unknown): void => this.log.warn(`could not delete the cancelled download of ${contentId}`, error);
    await store.deleteFile(contentId).catch(sayWhy);
    // A write already under way may land after that delete: wait for it, then delete again.
    await this.running;
    await this.fetcher?.whenWritesSettled();
    await store.deleteFile(contentId).catch(sayWhy);
  }

  private async run(): Promise<void> {
    try {
      await this.gate.untilOpen(this.lifetime.signal);
      this.throwIfFinal();
      const { manifest, initialHolders } = await this.prepareManifest();
      const missing = await missingChunkIndices(this.deps.store, this.contentId, manifest);
      this.throwIfFinal();
      this.playback.known(chunkCount(manifest.size, manifest.chunkSizeBytes), missing);
      const lengthOf = (index: number): number => chunkLength(manifest.size, manifest.chunkSizeBytes, index);
      this.meter.settleSize(manifest.size, missing.reduce((sum, index) => sum + lengthOf(index), 0));
      if (missing.length > 0) await this.fetchChunks(manifest, missing, initialHolders);
      this.enterFinalState('completed');
    } catch (error) {
      if (this.finalState !== undefined) return;
      this.failure = asShoalError(error);
      this.log.warn(`the download of ${this.contentId} failed`, error);
      this.enterFinalState('failed');
    }
  }

  private async fetchChunks(manifest: Manifest, missing: number[], initialHolders: Holder[]): Promise<void> {
    this.meter.startMeasuring(this.deps.clock.now());
    this.phase = 'downloading';
    this.currentWaitingReason = undefined;
    this.notifier.changed(true);
    const { holders, pool, store, clock } = this.deps;
    this.fetcher = new ChunkFetcher({
      contentId: this.contentId,
      fileName: this.name,
      manifest,
      missing,
      ...this.playback.wanted,
      initialHolders,
      holders,
      pool,
      store,
      failures: this.failures,
      tuning: this.tuning,
      clock,
      log: this.log,
      signal: this.lifetime.signal,
      onChunkStored: (bytes, index) => this.chunkStored(bytes, index),
      onPeersChanged: (peers) => this.peersChanged(peers),
      onWaitingChanged: (reason) => this.setWaitingReason(reason),
    });
    this.playback.steer(this.fetcher);
    if (this.isPausedByUser) this.fetcher.pause();
    await this.fetcher.run();
  }

  /** The stored manifest when resuming, else one fetched from a holder (see manifest-acquisition.ts). */
  private prepareManifest(): Promise<AcquiredManifest> {
    const { holders, pool, store, clock } = this.deps;
    return acquireManifest({
      contentId: this.contentId,
      fileName: this.name,
      mimeType: this.mimeType,
      holders,
      pool,
      store,
      failures: this.failures,
      clock,
      retryIntervalMs: this.tuning.holderPollIntervalMs,
      signal: this.lifetime.signal,
      gate: this.gate,
      onWaitingChanged: (reason) => this.setWaitingReason(reason),
    });
  }

  private chunkStored(bytes: number, index: number): void {
    this.playback.stored(index);
    const isFirstData = !this.meter.hasData;
    this.meter.chunkStored(bytes, this.deps.clock.now());
    // The first bytes are news ("it started"); later ones can wait for the next progress tick.
    this.notifier.changed(isFirstData);
  }

  private peersChanged(peers: FetchingPeer[]): void {
    this.meter.setPeers(peers);
    this.notifier.changed();
  }

  private setWaitingReason(reason: ShoalError | undefined): void {
    if (reason?.message === this.currentWaitingReason?.message) return;
    this.currentWaitingReason = reason;
    this.notifier.changed(true);
  }

  /** Enters a final state; the first one wins (a cancel racing the last chunk stays a cancel). */
  private enterFinalState(state: FinalState, isSettledNow = true): void {
    if (this.finalState !== undefined) return;
    this.finalState = state;
    this.meter.setPeers([]);
    this.currentWaitingReason = undefined;
    this.notifier.changed(true);
    this.lifetime.abort(cancelledError(this.name));
    this.playback.end(state === 'completed' ? undefined : (this.failure ?? cancelledError(this.name)));
    if (isSettledNow) this.markSettled();
  }

  private throwIfFinal(): void {
    if (this.finalState !== undefined) throw cancelledError(this.name);
  }
}
