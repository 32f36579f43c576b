/**
 * Fetches the missing chunks of one file from up to PEERS_PER_DOWNLOAD_MAX holders at once. Each
 * holder is first asked which chunks it has (fetch-peers.ts, have-handshake.ts), then for those
 * chunks only, rarest first (ChunkScheduler), with as many requests in flight as its speed calls
 * for (PeerWindow), spread over several connections to a distant holder (HolderLinks); what comes
 * of each request is chunk-delivery.ts. Holders are asked for again every so often, so new ones
 * join. With nobody able to send what is missing the fetch waits (reporting why, waiting-watch.ts)
 * and goes on by itself; it fails only when the store cannot write.
 */
import { chunkCount, chunkLength } from '../content/chunking';
import type { Logger } from '../logging/logger';
import { asShoalError, errorWithOutlook, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import { ChunkDelivery } from './chunk-delivery';
import type { ChunkStore } from './chunk-store';
import { ChunkScheduler } from './chunk-scheduler';
import type { Clock } from './clock';
import { DownloadAllowance } from './download-allowance';
import type { DownloadTuning } from './download-tuning';
import { fetchCondition } from './fetch-condition';
import { FetchPeers, type FetchPeer } from './fetch-peers';
import type { HolderFailures } from './holder-failures';
import { HolderPoller } from './holder-poller';
import type { LinkSource } from './link-pool';
import type { FetchingPeer } from './peer-paths';
import type { PeerLink } from './peer-link';
import { WaitingWatch } from './waiting-watch';

/** Timing and caps, from transfer-policy.ts unless a test wants them shorter. */
export type FetchTuning = Omit<DownloadTuning, 'progressIntervalMs' | 'holderRetryBackoffMs'>;

export interface ChunkFetcherOptions {
  contentId: string;
  fileName: string;
  /** Already verified against the content id. */
  manifest: Manifest;
  missing: readonly number[];
  /** The chunk to fetch from first, in order (a media player's playhead), and chunks a reader is
   * blocked on, fetched before all others; see `focusOn` and `setAwaited`. */
  focus?: number;
  awaited?: readonly number[];
  /** Holders to start with; the list is asked for again as the fetch goes on. */
  initialHolders: readonly Holder[];
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  failures: HolderFailures;
  tuning: FetchTuning;
  clock: Clock;
  /** Hears which holders were set aside and why, and what the tracker said. */
  log: Logger;
  /** Aborting stops the fetch at once: requests in flight are cancelled and `run` rejects with the reason. */
  signal: AbortSignal;
  /** A chunk was verified and stored: its length and index. */
  onChunkStored: (bytes: number, index: number) => void;
  /** The holders we are fetching from and how each is connected: when one comes or goes, or its path changes. */
  onPeersChanged: (peers: FetchingPeer[]) => void;
  /** Why nothing can be fetched for now, or undefined once something can again. */
  onWaitingChanged: (reason: ShoalError | undefined) => void;
}

export class ChunkFetcher {
  private readonly scheduler: ChunkScheduler;
  private readonly peers: FetchPeers;
  private readonly poller: HolderPoller;
  private readonly waiting: WaitingWatch;
  private readonly delivery: ChunkDelivery;
  private readonly allowance: DownloadAllowance;
  private isPaused = false;
  /** Until the fetch's first chunk is verified and stored, requests go on each holder's main link only (see linkForNextRequest). */
  private hasStoredAChunk = false;
  /** Aborts when the fetch ends (done, stopped or failed). */
  private readonly ended = new AbortController();
  /** Until the first holder list is in, having no peer means nothing yet. */
  private hasHolderList: boolean;
  private resolveRun: () => void = () => {};
  private rejectRun: (error: ShoalError) => void = () => {};

  constructor(private readonly options: ChunkFetcherOptions) {
    this.scheduler = new ChunkScheduler(options.missing, options.tuning.random);
    this.scheduler.focusOn(options.focus);
    for (const index of options.awaited ?? []) this.scheduler.setAwaited(index, true);
    this.hasHolderList = options.initialHolders.length > 0;
    this.allowance = new DownloadAllowance(options.pool.downloadLimiter, () => this.dispatch());
    this.peers = new FetchPeers({
      contentId: options.contentId,
      chunkSizeBytes: options.manifest.chunkSizeBytes,
      chunkTotal: chunkCount(options.manifest.size, options.manifest.chunkSizeBytes),
      pool: options.pool,
      failures: options.failures,
      scheduler: this.scheduler,
      clock: options.clock,
      log: options.log,
      tuning: options.tuning,
      onReady: () => this.dispatch(),
      onDropped: () => {
        if (this.peers.size === 0) this.poller.pollNow();
        this.dispatch();
      },
      onPeersChanged: options.onPeersChanged,
    });
    this.delivery = new ChunkDelivery({
      contentId: options.contentId,
      manifest: options.manifest,
      store: options.store,
      pool: options.pool,
      scheduler: this.scheduler,
      peers: this.peers,
      clock: options.clock,
      ended: this.ended.signal,
      onChunkStored: (bytes, index) => {
        this.hasStoredAChunk = true;
        options.onChunkStored(bytes, index);
      },
      onRoom: () => (this.scheduler.isDone ? this.finish() : this.dispatch()),
      onStoreFailed: (error) => this.finish(error),
    });
    this.poller = new HolderPoller({
      fileName: options.fileName,
      holders: options.holders,
      signal: options.signal,
      intervalMs: options.tuning.holderPollIntervalMs,
      clock: options.clock,
      log: options.log,
      onHolders: (listed) => this.addHolders(listed),
      onPolled: () => {
        this.hasHolderList = true;
        this.evaluate();
      },
    });
    this.waiting = new WaitingWatch({
      fileName: options.fileName,
      graceMs: options.tuning.starvedGraceMs,
      clock: options.clock,
      condition: () =>
        fetchCondition({
          isDone: this.scheduler.isDone,
          isBusy: this.scheduler.inFlightTotal > 0 || this.delivery.isWriting || this.allowance.isWaiting,
          hasHolderList: this.hasHolderList,
          peers: this.peers.all(),
        }),
      noPeerReason: () => this.noPeerReason(),
      onChanged: options.onWaitingChanged,
    });
  }

  /** Resolves when every missing chunk is stored; rejects when the store fails or the signal aborts. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
      const { signal } = this.options;
      if (signal.aborted) return this.finish(asShoalError(signal.reason, 'CANCELLED'));
      signal.addEventListener('abort', () => this.finish(asShoalError(signal.reason, 'CANCELLED')), { once: true });
      if (this.scheduler.isDone) return this.finish();
      this.addHolders(this.options.initialHolders);
      if (!this.isPaused) this.poller.start();
      if (this.peers.size === 0) this.poller.pollNow(); // resuming from the store: nobody known yet
      this.dispatch();
    });
  }

  /** Stops asking: requests in flight are cancelled; links and what peers have stay known. */
  pause(): void {
    if (this.isPaused || this.isFinished) return;
    this.isPaused = true;
    this.poller.stop();
    for (const peer of this.peers.all()) {
      this.scheduler.releaseRequestsOf(peer.holder.id);
      this.peers.cancelOn(peer);
    }
    this.waiting.clear();
  }

  resume(): void {
    if (!this.isPaused || this.isFinished) return;
    this.isPaused = false;
    this.poller.start();
    if (this.peers.size === 0) this.poller.pollNow();
    this.dispatch();
  }

  /** Fetches from chunk `index` on first, in order (see ChunkScheduler.focusOn); undefined drops the focus. */
  focusOn(index: number | undefined): void {
    this.scheduler.focusOn(index);
    this.dispatch();
  }

  /** A reader starts or stops waiting for the chunk; awaited chunks are fetched before all others. */
  setAwaited(index: number, isAwaited: boolean): void {
    this.scheduler.setAwaited(index, isAwaited);
    if (isAwaited) this.dispatch();
  }

  /** Resolves once no chunk is being verified or written, so the file can be deleted safely. */
  whenWritesSettled(): Promise<void> {
    return this.delivery.whenWritesSettled();
  }

  private addHolders(listed: readonly Holder[]): void {
    this.peers.add(listed);
    this.evaluate();
  }

  /**
   * How many requests the holder may have in flight. Every link of the holder may have one, however
   * small its window, except while a reader waits for a chunk: the holder serves its links side by
   * side, so a chunk asked for behind a request on each of many links would get a fraction of its
   * upload for as many chunk times (a far seek waited for most of the file behind a capped seeder).
   * Before the first chunk is stored only the main link is used (linkForNextRequest): the window alone.
   */
  private requestLimitOf(peer: FetchPeer, nowMs: number): number {
    const byWindow = peer.window.limitChunks(nowMs);
    return this.scheduler.hasAwaited || !this.hasStoredAChunk ? byWindow : Math.max(byWindow, peer.links?.count ?? 0);
  }

  /**
   * Until the first chunk is stored, a holder's main link, where it answers our requests one after
   * another, so the first chunk comes at the holder's full upload. Spread over extra links it would
   * share that upload with a request on each: with the extra links of an earlier download still
   * open, 16 chunks went out side by side and the first took 1.6 s instead of 0.15 s to arrive.
   */
  private linkForNextRequest(peer: FetchPeer): PeerLink | undefined {
    if (this.hasStoredAChunk) return peer.links?.leastBusy();
    const main = peer.links?.main;
    // A closed main link must not stall the holder: its other links serve until it is back.
    return main?.isOpen === true ? main : peer.links?.leastBusy();
  }

  /** Takes back requests standing between an awaited chunk and a holder of it (see requestsToYieldTo). */
  private makeRoomForAwaited(nowMs: number): void {
    if (!this.scheduler.hasAwaited) return;
    for (const peer of this.peers.all()) {
      const peerId = peer.holder.id;
      for (const index of this.scheduler.requestsToYieldTo(peerId, this.requestLimitOf(peer, nowMs))) {
        if (!this.scheduler.release(peerId, index)) continue;
        this.options.log.debug(`took back chunk ${index} from ${peerId}: a reader waits for another`);
        this.peers.cancelOn(peer, index);
      }
    }
  }

  /** Fills free slots, one chunk per peer per round so the file spreads over everyone. */
  private dispatch(): void {
    if (this.isFinished || this.isPaused) return;
    const { manifest, clock } = this.options;
    const nowMs = clock.now();
    this.makeRoomForAwaited(nowMs);
    for (let isAssigning = true; isAssigning; ) {
      isAssigning = false;
      for (const peer of this.peers.all()) {
        const peerId = peer.holder.id;
        const limit = this.requestLimitOf(peer, nowMs);
        const link = this.scheduler.inFlightCount(peerId) < limit ? this.linkForNextRequest(peer) : undefined;
        if (link === undefined) continue;
        if (!this.delivery.hasRoomForAnotherChunk) return this.evaluate();
        const index = this.scheduler.assign(peerId);
        if (index === undefined) continue;
        const lengthBytes = chunkLength(manifest.size, manifest.chunkSizeBytes, index);
        if (!this.allowance.tryTake(lengthBytes)) {
          this.scheduler.release(peerId, index);
          return this.evaluate();
        }
        this.delivery.request(peer, link, index, lengthBytes);
        isAssigning = true;
      }
    }
    this.evaluate();
  }

  /** Decides whether the fetch is moving or waiting, and why. */
  private evaluate(): void {
    if (!this.isFinished && !this.isPaused) this.waiting.evaluate();
  }

  private noPeerReason(): ShoalError {
    const trackerError = this.poller.lastError;
    if (trackerError !== undefined) {
      const reason = trackerError.details.reason ?? trackerError.message;
      const details = { ...trackerError.details, fileName: this.options.fileName };
      return errorWithOutlook(trackerError.code, reason, 'the download will try again shortly', details);
    }
    return this.options.failures.waitingReason(this.options.fileName);
  }

  private get isFinished(): boolean {
    return this.ended.signal.aborted;
  }

  private finish(error?: ShoalError): void {
    if (this.isFinished) return;
    this.ended.abort();
    this.poller.stop();
    this.waiting.stop();
    this.peers.close();
    if (error === undefined) this.resolveRun();
    else this.rejectRun(error);
  }
}
