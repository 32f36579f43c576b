/**
 * Fetches the missing chunks of one file from every holder at once, verifies each against the
 * manifest and stores it. Each holder keeps a few requests in flight; when one is answered its slot
 * gets the next missing chunk, so faster holders carry more, and at the end idle holders race slow
 * ones for their last chunks (see ChunkScheduler). A holder that fails or sends a bad
 * chunk is dropped for this file and its chunks go to the others; with none left, the holder list
 * is asked for again, and the fetch fails once nobody new is on it.
 */
import { chunkLength } from '../content/chunking';
import { isChunkValid } from '../content/manifest';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkStore } from './chunk-store';
import { ChunkScheduler } from './chunk-scheduler';
import type { HolderFailures } from './holder-failures';
import type { LinkSource } from './link-pool';
import { queryHolders } from './manifest-fetch';
import type { PeerLink } from './peer-link';
import { pipelineDepthFor, UNWRITTEN_BYTES_MAX } from './transfer-policy';

export interface ChunkFetcherOptions {
  contentId: string;
  fileName: string;
  /** Already verified against the content id. */
  manifest: Manifest;
  missing: readonly number[];
  /** Holders to start with; more are asked for when these run out. */
  initialHolders: readonly Holder[];
  holders: () => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  failures: HolderFailures;
  onChunkStored: (bytes: number) => void;
  onActivePeersChanged: (count: number) => void;
}

interface FetchPeer {
  holder: Holder;
  /** Undefined while connecting. */
  link: PeerLink | undefined;
  stopWatchingClose: () => void;
}

export class ChunkFetcher {
  private readonly scheduler: ChunkScheduler;
  private readonly peers = new Map<string, FetchPeer>();
  private readonly depth: number;
  /** Bytes received and not yet stored: bounded so a slow store cannot make memory grow. */
  private unwrittenBytes = 0;
  private isRefilling = false;
  private isFinished = false;
  private resolveRun: () => void = () => {};
  private rejectRun: (error: ShoalError) => void = () => {};

  constructor(private readonly options: ChunkFetcherOptions) {
    this.scheduler = new ChunkScheduler(options.missing);
    this.depth = pipelineDepthFor(options.manifest.chunkSizeBytes);
  }

  /** Resolves when every missing chunk is stored; rejects with the reason it cannot be. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
      if (this.scheduler.isDone) return this.finish();
      this.addHolders(this.options.initialHolders);
      this.dispatch();
    });
  }

  /** Stops at once: requests in flight are cancelled and `run` rejects with `reason`. */
  stop(reason: ShoalError): void {
    this.finish(reason);
  }

  private addHolders(holders: readonly Holder[]): void {
    for (const holder of holders) {
      if (this.peers.has(holder.id) || this.options.failures.has(holder.id)) continue;
      const peer: FetchPeer = { holder, link: undefined, stopWatchingClose: () => {} };
      this.peers.set(holder.id, peer);
      void this.connect(peer);
    }
  }

  private async connect(peer: FetchPeer): Promise<void> {
    try {
      const link = await this.options.pool.linkTo(peer.holder.id);
      if (this.isFinished || this.peers.get(peer.holder.id) !== peer) return;
      peer.link = link;
      peer.stopWatchingClose = link.onClose((reason) => this.drop(peer, reason));
      this.activePeersChanged();
      this.dispatch();
    } catch (error) {
      this.drop(peer, error);
    }
  }

  /** Fills free slots, one chunk per holder per round so a new download spreads over everyone. */
  private dispatch(): void {
    if (this.isFinished) return;
    for (let isAssigning = true; isAssigning; ) {
      isAssigning = false;
      for (const peer of this.peers.values()) {
        if (peer.link === undefined || this.scheduler.inFlightCount(peer.holder.id) >= this.depth) continue;
        if (!this.hasRoomForAnotherChunk()) return;
        const index = this.scheduler.assign(peer.holder.id);
        if (index === undefined) return this.refillIfStarved();
        this.fetch(peer, peer.link, index);
        isAssigning = true;
      }
    }
    this.refillIfStarved();
  }

  private hasRoomForAnotherChunk(): boolean {
    return this.unwrittenBytes === 0 || this.unwrittenBytes + this.options.manifest.chunkSizeBytes <= UNWRITTEN_BYTES_MAX;
  }

  private fetch(peer: FetchPeer, link: PeerLink, index: number): void {
    const { manifest, contentId } = this.options;
    link.requestChunk(contentId, index, chunkLength(manifest.size, manifest.chunkSizeBytes, index)).then(
      (bytes) => this.received(peer, index, bytes),
      (error: unknown) => {
        // A request we took back (another peer delivered the chunk first) fails as CANCELLED: no fault.
        if (this.isFinished || !this.scheduler.release(peer.holder.id, index)) return;
        this.drop(peer, error);
      },
    );
  }

  private received(peer: FetchPeer, index: number, bytes: Uint8Array): void {
    const racers = this.isFinished ? undefined : this.scheduler.markReceived(peer.holder.id, index);
    if (racers === undefined) return;
    for (const racer of racers) this.peers.get(racer)?.link?.cancel(this.options.contentId, index);
    this.unwrittenBytes += bytes.byteLength;
    this.dispatch(); // the slot is free: ask for the next chunk while this one is checked and stored
    void this.verifyAndStore(peer, index, bytes);
  }

  private async verifyAndStore(peer: FetchPeer, index: number, bytes: Uint8Array): Promise<void> {
    try {
      const isValid = await isChunkValid(this.options.manifest, index, bytes);
      if (this.isFinished) return;
      if (!isValid) {
        this.scheduler.markRejected(index);
        this.drop(peer, new ShoalError('CHUNK_CORRUPT', `${peer.holder.name} sent a corrupt copy of chunk ${index}`));
        return;
      }
      await this.options.store.putChunk(this.options.contentId, index, bytes);
      if (this.isFinished) return;
      this.scheduler.markDone(index);
      this.options.onChunkStored(bytes.byteLength);
      if (this.scheduler.isDone) this.finish();
    } catch (error) {
      // The store failed (full disk, quota): another holder would not help.
      this.finish(asShoalError(error, 'INTERNAL'));
    } finally {
      this.unwrittenBytes -= bytes.byteLength;
      this.dispatch();
    }
  }

  /** Gives up on a holder for this file; its chunks in flight go back to the others. */
  private drop(peer: FetchPeer, reason: unknown): void {
    if (this.isFinished || this.peers.get(peer.holder.id) !== peer) return;
    this.peers.delete(peer.holder.id);
    peer.stopWatchingClose();
    this.options.failures.record(peer.holder, reason);
    this.scheduler.releasePeer(peer.holder.id);
    peer.link?.cancel(this.options.contentId);
    this.activePeersChanged();
    this.dispatch();
  }

  private refillIfStarved(): void {
    if (this.peers.size === 0 && this.scheduler.needsPeers && !this.isRefilling) void this.refill();
  }

  /** Asks for the holder list again and adds anyone not tried yet; fails if there is nobody. */
  private async refill(): Promise<void> {
    this.isRefilling = true;
    try {
      const listed = await queryHolders({ holders: this.options.holders, fileName: this.options.fileName });
      if (this.isFinished) return;
      const untried = listed.filter((holder) => !this.options.failures.has(holder.id) && !this.peers.has(holder.id));
      if (untried.length === 0 && this.peers.size === 0) this.finish(this.options.failures.toError(this.options.fileName));
      else this.addHolders(untried);
    } catch (error) {
      this.finish(asShoalError(error, 'NO_HOLDER'));
    } finally {
      this.isRefilling = false;
    }
  }

  private activePeersChanged(): void {
    let count = 0;
    for (const peer of this.peers.values()) if (peer.link !== undefined) count += 1;
    this.options.onActivePeersChanged(count);
  }

  private finish(error?: ShoalError): void {
    if (this.isFinished) return;
    this.isFinished = true;
    for (const peer of this.peers.values()) {
      peer.stopWatchingClose();
      peer.link?.cancel(this.options.contentId);
    }
    this.peers.clear();
    this.activePeersChanged();
    if (error === undefined) this.resolveRun();
    else this.rejectRun(error);
  }
}
