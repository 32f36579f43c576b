/**
 * One chunk request and what comes of it: the chunk arrives (the first copy wins; a racing copy
 * from another holder is cancelled), is verified and stored off the receive path, or the request
 * fails. A holder that lacks the chunk after all is just not asked for it again; one that times
 * out gets a smaller window and, like one that fails otherwise, is set aside; one that sends a
 * corrupt copy is dropped for the file. Chunk buffers are reused (ChunkBufferPool).
 */
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import { ChunkBufferPool } from './chunk-buffer-pool';
import type { ChunkScheduler } from './chunk-scheduler';
import type { ChunkStore } from './chunk-store';
import { ChunkWriter, type WriteOutcome } from './chunk-writer';
import type { Clock } from './clock';
import type { FetchPeer, FetchPeers } from './fetch-peers';
import type { LinkSource } from './link-pool';
import { RefusedByPeerError } from './outgoing-requests';
import type { PeerLink } from './peer-link';

/** Peer refusals that mean "not this chunk", not "not this peer". */
const LACKS_CHUNK_CODES = new Set(['FILE_NOT_FOUND', 'CHUNK_CORRUPT']);

export interface ChunkDeliveryOptions {
  contentId: string;
  /** Already verified against the content id. */
  manifest: Manifest;
  store: ChunkStore;
  /** Told that a chunk is stored, so the peers interested in the file hear of it. */
  pool: LinkSource;
  scheduler: ChunkScheduler;
  peers: FetchPeers;
  clock: Clock;
  /** Aborts when the fetch ends: answers that come later are dropped, nothing more is written. */
  ended: AbortSignal;
  /** A chunk was verified and stored: its length and index. */
  onChunkStored: (bytes: number, index: number) => void;
  /** There may be room for more requests: a slot or some backlog came free, a chunk went back to pending. */
  onRoom: () => void;
  /** The store failed (full disk, quota): another holder would not help. */
  onStoreFailed: (error: ShoalError) => void;
}

export class ChunkDelivery {
  private readonly writer: ChunkWriter;
  private readonly buffers: ChunkBufferPool;

  constructor(private readonly options: ChunkDeliveryOptions) {
    this.writer = new ChunkWriter(options.store, options.contentId, options.manifest);
    this.buffers = new ChunkBufferPool(options.manifest.chunkSizeBytes);
  }

  /** Whether another chunk may be requested without the unwritten backlog growing too large. */
  get hasRoomForAnotherChunk(): boolean {
    return this.writer.hasRoomForAnotherChunk;
  }

  /** Some chunk is being verified or written. */
  get isWriting(): boolean {
    return this.writer.isBusy;
  }

  /** Resolves once no chunk is being verified or written, so the file can be deleted safely. */
  whenWritesSettled(): Promise<void> {
    return this.writer.whenSettled();
  }

  /** Asks `link` (one of the holder's) for the chunk the scheduler assigned to the holder. */
  request(peer: FetchPeer, link: PeerLink, index: number, lengthBytes: number): void {
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

  private get isEnded(): boolean {
    return this.options.ended.aborted;
  }

  private requestFailed(peer: FetchPeer, link: PeerLink, index: number, error: unknown): void {
    const { scheduler, peers } = this.options;
    // A request we took back (paused, or another peer delivered the chunk first) means nothing.
    if (this.isEnded || !scheduler.release(peer.holder.id, index)) return;
    if (link !== peer.links?.main && !link.isOpen) {
      this.options.onRoom(); // an extra link closed: the chunk goes to the holder's other links
      return;
    }
    if (error instanceof RefusedByPeerError && LACKS_CHUNK_CODES.has(error.code)) {
      scheduler.peerLacks(peer.holder.id, index);
      this.options.onRoom();
      return;
    }
    if (asShoalError(error).code === 'TIMEOUT') peer.window.shrink();
    peers.drop(peer, error);
  }

  private received(peer: FetchPeer, index: number, bytes: Uint8Array): void {
    const { scheduler, peers } = this.options;
    const racers = this.isEnded ? undefined : scheduler.markReceived(peer.holder.id, index);
    if (racers === undefined) return this.buffers.give(bytes); // another peer's copy came first
    peer.window.record(bytes.byteLength, this.options.clock.now());
    for (const racer of racers) peers.cancelOn(peers.get(racer), index);
    const writing = this.writer.write(index, bytes, this.options.ended);
    this.options.onRoom(); // the slot is free: ask for the next chunk while this one is checked and stored
    // Checked and stored (the store keeps a copy) or dropped: either way the buffer is free again.
    writing.then(
      (outcome) => {
        this.buffers.give(bytes);
        this.written(peer, index, bytes.byteLength, outcome);
      },
      (error: unknown) => {
        this.buffers.give(bytes);
        this.options.onStoreFailed(asShoalError(error, 'INTERNAL'));
      },
    );
  }

  private written(peer: FetchPeer, index: number, lengthBytes: number, outcome: WriteOutcome): void {
    if (this.isEnded) return;
    const { scheduler, peers, pool, contentId } = this.options;
    if (outcome === 'corrupt') {
      scheduler.markRejected(index);
      const reason = `${peer.holder.name} sent a corrupt copy of chunk ${index}`;
      peers.dropForBadData(peer, new ShoalError('CHUNK_CORRUPT', reason));
    } else if (outcome === 'stored') {
      scheduler.markDone(index);
      this.options.onChunkStored(lengthBytes, index);
      pool.announceChunk?.(contentId, index);
    }
    this.options.onRoom(); // the backlog shrank: there may be room for another request (or the file is done)
  }
}
