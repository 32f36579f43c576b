/**
 * Fetches the missing chunks of one file from up to PEERS_PER_DOWNLOAD_MAX holders at once,
 * verifies each against the manifest, stores it and tells the peers that asked about the file.
 * Each holder is first asked which chunks it has (it may still be downloading), then for those
 * chunks only, rarest first (ChunkScheduler), with as many requests in flight as its speed calls
 * for (PeerWindow), spread over several connections to a distant holder (HolderLinks). A holder
 * that lacks a chunk after all just is not asked for it again; one that fails is set aside for a
 * back-off, one that sends bad data is dropped for the file. Holders are asked for again every so
 * often, so new ones join. With nobody able to send what is missing the fetch waits (reporting
 * why) and goes on by itself; it fails only when the store cannot write.
 */
import { chunkCount, chunkLength } from '../content/chunking';
import { asShoalError, ShoalError } from '../protocol/errors';
import { decodeHaveBitfield, type Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import { ChunkBufferPool } from './chunk-buffer-pool';
import type { ChunkStore } from './chunk-store';
import { ChunkScheduler } from './chunk-scheduler';
import type { Clock } from './clock';
import { ChunkWriter, type WriteOutcome } from './chunk-writer';
import { DownloadAllowance } from './download-allowance';
import type { DownloadTuning } from './download-tuning';
import type { HolderFailures } from './holder-failures';
import { HolderLinks } from './holder-links';
import { HolderPoller } from './holder-poller';
import type { LinkSource } from './link-pool';
import { RefusedByPeerError } from './outgoing-requests';
import type { PeerLink } from './peer-link';
import { PeerPaths, type FetchingPeer } from './peer-paths';
import { PeerWindow } from './peer-window';
import { WaitingWatch, type FetchCondition } from './waiting-watch';

/** Timing and caps, from transfer-policy.ts unless a test wants them shorter. */
export type FetchTuning = Pick<
  DownloadTuning,
  'holderPollIntervalMs' | 'starvedGraceMs' | 'peersMax' | 'pathRefreshIntervalMs' | 'linksPerPeer' | 'linksPerDownloadMax' | 'multiLinkRttMinMs' | 'random'
>;

export interface ChunkFetcherOptions {
  contentId: string;
  fileName: string;
  /** Already verified against the content id. */
  manifest: Manifest;
  missing: readonly number[];
  /** Holders to start with; the list is asked for again as the fetch goes on. */
  initialHolders: readonly Holder[];
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  failures: HolderFailures;
  tuning: FetchTuning;
  clock: Clock;
  /** Aborting stops the fetch at once: requests in flight are cancelled and `run` rejects with the reason. */
  signal: AbortSignal;
  onChunkStored: (bytes: number) => void;
  /** The holders we are fetching from and how each is connected: when one comes or goes, or its path changes. */
  onPeersChanged: (peers: FetchingPeer[]) => void;
  /** Why nothing can be fetched for now, or undefined once something can again. */
  onWaitingChanged: (reason: ShoalError | undefined) => void;
}

interface FetchPeer {
  holder: Holder;
  /** Set once the peer's have-bitfield is known; undefined while connecting and asking. */
  links: HolderLinks | undefined;
  window: PeerWindow;
  /** A holder tried again after a failure; while it connects the fetch still counts as waiting. */
  isRetry: boolean;
  stopListening: () => void;
}

/** Peer refusals that mean "not this chunk", not "not this peer". */
const LACKS_CHUNK_CODES = new Set(['FILE_NOT_FOUND', 'CHUNK_CORRUPT']);

export class ChunkFetcher {
  private readonly scheduler: ChunkScheduler;
  private readonly peers = new Map<string, FetchPeer>();
  /** Kept across a holder's retries, so a peer that timed out starts again with a smaller window. */
  private readonly windows = new Map<string, PeerWindow>();
  private readonly poller: HolderPoller;
  private readonly waiting: WaitingWatch;
  private readonly writer: ChunkWriter;
  private readonly buffers: ChunkBufferPool;
  private readonly chunkTotal: number;
  private readonly allowance: DownloadAllowance;
  private isPaused = false;
  private isFinished = false;
  /** The holders whose links are in use, with how each is connected. */
  private readonly paths: PeerPaths;
  /** Until the first holder list is in, having no peer means nothing yet. */
  private hasHolderList: boolean;
  private resolveRun: () => void = () => {};
  private rejectRun: (error: ShoalError) => void = () => {};

  constructor(private readonly options: ChunkFetcherOptions) {
    this.scheduler = new ChunkScheduler(options.missing, options.tuning.random);
    this.chunkTotal = chunkCount(options.manifest.size, options.manifest.chunkSizeBytes);
    this.writer = new ChunkWriter(options.store, options.contentId, options.manifest);
    this.buffers = new ChunkBufferPool(options.manifest.chunkSizeBytes);
    this.hasHolderList = options.initialHolders.length > 0;
    this.allowance = new DownloadAllowance(options.pool.downloadLimiter, () => this.dispatch());
    this.paths = new PeerPaths(
      options.tuning.pathRefreshIntervalMs,
      options.clock,
      () => options.onPeersChanged(this.paths.list()),
      (peerId, path) => this.pathRead(peerId, path?.rttMs),
    );
    this.poller = new HolderPoller({
      fileName: options.fileName,
      holders: options.holders,
      signal: options.signal,
      intervalMs: options.tuning.holderPollIntervalMs,
      clock: options.clock,
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
      condition: () => this.condition(),
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
    for (const peer of this.peers.values()) {
      this.scheduler.releaseRequestsOf(peer.holder.id);
      this.cancelOn(peer);
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

  /** Resolves once no chunk is being verified or written, so the file can be deleted safely. */
  whenWritesSettled(): Promise<void> {
    return this.writer.whenSettled();
  }

  private addHolders(listed: readonly Holder[]): void {
    const { failures, tuning, clock } = this.options;
    const nowMs = clock.now();
    for (const holder of listed) {
      if (this.isFinished || this.peers.size >= tuning.peersMax) break;
      if (this.peers.has(holder.id) || !failures.canTry(holder.id, nowMs)) continue;
      let window = this.windows.get(holder.id);
      if (window === undefined) {
        window = new PeerWindow(this.options.manifest.chunkSizeBytes, nowMs);
        this.windows.set(holder.id, window);
      }
      const peer: FetchPeer = { holder, links: undefined, window, isRetry: failures.has(holder.id), stopListening: () => {} };
      this.peers.set(holder.id, peer);
      void this.connect(peer);
    }
    this.evaluate();
  }

  private async connect(peer: FetchPeer): Promise<void> {
    const { contentId, pool } = this.options;
    const peerId = peer.holder.id;
    try {
      const link = await pool.linkTo(peerId);
      if (!this.isCurrent(peer)) return;
      // Chunks the peer stores while we wait for its bitfield are announced before it arrives.
      const early: number[] = [];
      const stopHaves = link.onHaveChunk((announcedId, index) => {
        if (announcedId !== contentId || index >= this.chunkTotal) return;
        if (peer.links === undefined) early.push(index);
        else if (this.scheduler.peerGained(peerId, index)) this.dispatch();
      });
      const stopClose = link.onClose((reason) => this.drop(peer, reason));
      peer.stopListening = () => {
        stopHaves();
        stopClose();
        peer.links?.stopWatching();
      };
      const bitfield = await link.requestHave(contentId);
      if (!this.isCurrent(peer)) return;
      this.scheduler.addPeer(peerId, [...decodeHaveBitfield(bitfield, this.chunkTotal), ...early]);
      peer.links = new HolderLinks(link);
      this.options.failures.forget(peerId);
      this.paths.add(peerId, peer.holder.name, link);
      this.dispatch();
    } catch (error) {
      this.drop(peer, error);
    }
  }

  /** On a long round trip, opens extra connections to the holder and spreads requests over them
   * (LINKS_PER_PEER says why). Asked once the main link works, so an unreachable holder costs one
   * attempt. Closing an extra link costs only its requests in flight. */
  private pathRead(peerId: string, rttMs: number | undefined): void {
    const peer = this.peers.get(peerId);
    const links = peer?.links;
    const { linksPerPeer, linksPerDownloadMax, multiLinkRttMinMs } = this.options.tuning;
    // Shared among the holders known now, connected or not, so the share does not depend on which answers first.
    const wanted = Math.min(linksPerPeer, Math.floor(linksPerDownloadMax / this.peers.size));
    if (peer === undefined || links === undefined || links.hasWidened || wanted <= 1 || (rttMs ?? 0) < multiLinkRttMinMs) return;
    void links.widen(this.options.pool, wanted - 1, () => this.isCurrent(peer)).then((added) => {
      if (added > 0) this.dispatch();
    });
  }

  /** Fills free slots, one chunk per peer per round so the file spreads over everyone. */
  private dispatch(): void {
    if (this.isFinished || this.isPaused) return;
    const { manifest, clock } = this.options;
    const nowMs = clock.now();
    for (let isAssigning = true; isAssigning; ) {
      isAssigning = false;
      for (const peer of this.peers.values()) {
        const peerId = peer.holder.id;
        // Every link of the holder may have one request, however small its window.
        const limit = Math.max(peer.window.limitChunks(nowMs), peer.links?.count ?? 0);
        const link = this.scheduler.inFlightCount(peerId) < limit ? peer.links?.leastBusy() : undefined;
        if (link === undefined) continue;
        if (!this.writer.hasRoomForAnotherChunk) return this.evaluate();
        const index = this.scheduler.assign(peerId);
        if (index === undefined) continue;
        const lengthBytes = chunkLength(manifest.size, manifest.chunkSizeBytes, index);
        if (!this.allowance.tryTake(lengthBytes)) {
          this.scheduler.release(peerId, index);
          return this.evaluate();
        }
        this.fetch(peer, link, index, lengthBytes);
        isAssigning = true;
      }
    }
    this.evaluate();
  }

  private fetch(peer: FetchPeer, link: PeerLink, index: number, lengthBytes: number): void {
    const links = peer.links;
    links?.requestStarted(link);
    link.requestChunk(this.options.contentId, index, lengthBytes, this.buffers).then(
      (bytes) => {
        links?.requestEnded(link);
        this.received(peer, index, bytes);
      },
      (error: unknown) => {
        links?.requestEnded(link);
        this.requestFailed(peer, link, index, error);
      },
    );
  }

  private requestFailed(peer: FetchPeer, link: PeerLink, index: number, error: unknown): void {
    // A request we took back (paused, or another peer delivered the chunk first) means nothing.
    if (this.isFinished || !this.scheduler.release(peer.holder.id, index)) return;
    if (link !== peer.links?.main && !link.isOpen) {
      this.dispatch(); // an extra link closed: the chunk goes to the holder's other links
      return;
    }
    if (error instanceof RefusedByPeerError && LACKS_CHUNK_CODES.has(error.code)) {
      this.scheduler.peerLacks(peer.holder.id, index);
      this.dispatch();
      return;
    }
    if (asShoalError(error).code === 'TIMEOUT') peer.window.shrink();
    this.drop(peer, error);
  }

  private received(peer: FetchPeer, index: number, bytes: Uint8Array): void {
    const racers = this.isFinished ? undefined : this.scheduler.markReceived(peer.holder.id, index);
    if (racers === undefined) return this.buffers.give(bytes); // another peer's copy came first
    peer.window.record(bytes.byteLength, this.options.clock.now());
    for (const racer of racers) this.cancelOn(this.peers.get(racer), index);
    const writing = this.writer.write(index, bytes, () => !this.isFinished);
    this.dispatch(); // the slot is free: ask for the next chunk while this one is checked and stored
    // Checked and stored (the store keeps a copy) or dropped: either way the buffer is free again.
    writing.then(
      (outcome) => {
        this.buffers.give(bytes);
        this.written(peer, index, bytes.byteLength, outcome);
      },
      (error: unknown) => {
        this.buffers.give(bytes);
        this.finish(asShoalError(error, 'INTERNAL')); // the store failed (full disk, quota): another holder would not help
      },
    );
  }

  private written(peer: FetchPeer, index: number, lengthBytes: number, outcome: WriteOutcome): void {
    if (this.isFinished) return;
    if (outcome === 'corrupt') {
      this.scheduler.markRejected(index);
      const reason = `${peer.holder.name} sent a corrupt copy of chunk ${index}`;
      this.dropForBadData(peer, new ShoalError('CHUNK_CORRUPT', reason));
    } else if (outcome === 'stored') {
      this.scheduler.markDone(index);
      this.options.onChunkStored(lengthBytes);
      this.options.pool.announceChunk?.(this.options.contentId, index);
      if (this.scheduler.isDone) return this.finish();
    }
    this.dispatch(); // the backlog shrank: there may be room for another request
  }

  /** Drops the holder for good, even if it has since been dropped and added again. */
  private dropForBadData(peer: FetchPeer, reason: ShoalError): void {
    const current = this.peers.get(peer.holder.id);
    if (current !== undefined) this.drop(current, reason);
    else this.options.failures.record(peer.holder, reason, this.options.clock.now());
  }

  /** Sets a holder aside for this file; its chunks in flight go back to the others. */
  private drop(peer: FetchPeer, reason: unknown): void {
    if (!this.isCurrent(peer)) return;
    const { failures, clock } = this.options;
    this.peers.delete(peer.holder.id);
    peer.stopListening();
    failures.record(peer.holder, reason, clock.now());
    this.scheduler.removePeer(peer.holder.id);
    this.cancelOn(peer);
    this.paths.remove(peer.holder.id);
    if (this.peers.size === 0) this.poller.pollNow();
    this.dispatch();
  }

  /** Cancels our requests for the file (or one chunk of it) on every link to the holder. */
  private cancelOn(peer: FetchPeer | undefined, index?: number): void {
    for (const link of peer?.links?.all() ?? []) link.cancel(this.options.contentId, index);
  }

  private isCurrent(peer: FetchPeer): boolean {
    return !this.isFinished && this.peers.get(peer.holder.id) === peer;
  }

  /** Decides whether the fetch is moving or waiting, and why. */
  private evaluate(): void {
    if (!this.isFinished && !this.isPaused) this.waiting.evaluate();
  }

  private condition(): FetchCondition {
    const isBusy = this.scheduler.inFlightTotal > 0 || this.writer.isBusy || this.allowance.isWaiting;
    if (this.scheduler.isDone || isBusy || !this.hasHolderList) return 'moving';
    let hasConnected = false;
    for (const peer of this.peers.values()) {
      if (peer.links === undefined && !peer.isRetry) return 'moving'; // a new holder is connecting
      if (peer.links !== undefined) hasConnected = true;
    }
    return hasConnected ? 'nothing-to-fetch' : 'no-peer';
  }

  private noPeerReason(): ShoalError {
    const trackerError = this.poller.lastError;
    if (trackerError !== undefined) {
      return new ShoalError(trackerError.code, `${trackerError.message}; the download will try again shortly`);
    }
    return this.options.failures.waitingReason(this.options.fileName);
  }

  private finish(error?: ShoalError): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.poller.stop();
    this.waiting.stop();
    for (const peer of this.peers.values()) {
      peer.stopListening();
      this.cancelOn(peer);
    }
    this.peers.clear();
    this.paths.stop();
    if (error === undefined) this.resolveRun();
    else this.rejectRun(error);
  }
}
