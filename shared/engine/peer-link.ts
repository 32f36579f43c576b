/**
 * One data channel to one peer, used both ways: we ask the peer for manifests, have-bitfields and
 * chunks, and we answer its requests from our store. A peer that asked which chunks of a file we
 * have is told of each chunk we store afterwards (have-chunk). Every incoming frame is parsed at the
 * door; a frame that does not parse is dropped, so a broken or hostile peer cannot crash us.
 */
import { silentLogger, type ComponentLogger, type Logger } from '../logging/logger';
import { ShoalError } from '../protocol/errors';
import {
  decodeBlockFrame,
  encodeControlFrame,
  encodeHaveBitfield,
  parseControlFrame,
  type Manifest,
  type PeerControl,
} from '../protocol/peer-messages';
import type { ChunkBuffers } from './chunk-buffer-pool';
import type { ChunkStore } from './chunk-store';
import { OutgoingRequests } from './outgoing-requests';
import type { RateLimiter } from './rate-limiter';
import { ServeQueue, type ChunkRepairer, type ServeEvent } from './serve-queue';
import { ServedChunks } from './served-chunks';
import { REMOTE_INTERESTS_MAX, REQUEST_IDLE_TIMEOUT_MS, SEND_HIGH_WATER_BYTES } from './transfer-policy';
import type { ConnectionPath, Frame, PeerChannel } from './transport';

export interface PeerLinkOptions {
  /** Where the files we serve live. */
  store: ChunkStore;
  /** A request fails when the peer sends nothing towards our requests for this long. */
  requestTimeoutMs?: number;
  /** Serving waits for the channel to drain above this many queued bytes. */
  sendHighWaterBytes?: number;
  onServe?: (event: ServeEvent) => void;
  /** Bounds what we send; shared by every link of the node. */
  uploadLimiter?: RateLimiter;
  /** Re-reads a chunk whose stored copy is damaged, from the original file (see ServedChunks);
   * used only when `servedChunks` is absent. */
  repairChunk?: ChunkRepairer;
  /** Reads and verifies what we serve; the link pool passes the node's one. Absent, the link makes
   * its own from `store` and `repairChunk`. */
  servedChunks?: ServedChunks;
  now?: () => number;
  /** Hears what the link handled quietly (a store that could not be read); silent when absent. */
  logger?: ComponentLogger;
}

type HaveRequest = Extract<PeerControl, { t: 'have-request' }>;

export class PeerLink {
  readonly peerId: string;
  private readonly requests: OutgoingRequests;
  private readonly serving: ServeQueue;
  private readonly closeListeners = new Set<(reason: ShoalError) => void>();
  private readonly haveChunkListeners = new Set<(contentId: string, index: number) => void>();
  /** Files the peer asked us about, oldest first: it hears of each chunk of them we store. */
  private readonly remoteInterests = new Set<string>();
  private readonly store: ChunkStore;
  private readonly log: Logger;
  private closedReason: ShoalError | undefined;
  private readonly stopListening: () => void;
  private readonly stopWatchingClose: () => void;
  private markClosed: () => void = () => {};

  constructor(
    private readonly channel: PeerChannel,
    options: PeerLinkOptions,
  ) {
    this.peerId = channel.peerId;
    this.store = options.store;
    this.log = (options.logger ?? silentLogger).forComponent('shoal:engine:serve');
    const whenClosed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    this.requests = new OutgoingRequests({
      peerId: channel.peerId,
      timeoutMs: options.requestTimeoutMs ?? REQUEST_IDLE_TIMEOUT_MS,
      now: options.now ?? Date.now,
      sendControl: (message) => this.trySend(encodeControlFrame(message)),
    });
    this.serving = new ServeQueue(channel, {
      highWaterBytes: options.sendHighWaterBytes ?? SEND_HIGH_WATER_BYTES,
      whenClosed,
      onServe: options.onServe ?? (() => {}),
      uploadLimiter: options.uploadLimiter,
      chunks: options.servedChunks ?? new ServedChunks(options.store, { repairChunk: options.repairChunk, log: this.log }),
      log: this.log,
    });
    this.stopListening = channel.onFrame((frame) => this.handleFrame(frame));
    this.stopWatchingClose = channel.onClose(() => this.handleClose());
    if (!channel.isOpen) this.handleClose();
  }

  get isOpen(): boolean {
    return this.closedReason === undefined && this.channel.isOpen;
  }

  /** The peer's manifest for a file, as sent: the caller verifies it against the content id. */
  requestManifest(contentId: string): Promise<Manifest> {
    if (this.closedReason !== undefined) return Promise.reject(this.closedReason);
    return this.requests.requestManifest(contentId);
  }

  /** Which chunks of a file the peer holds, as a base64 bitfield (see `decodeHaveBitfield`). From
   * now on the peer tells us of each chunk it stores (`onHaveChunk`). Rejects with FILE_NOT_FOUND
   * (a RefusedByPeerError) when the peer does not hold the file at all. */
  requestHave(contentId: string): Promise<string> {
    if (this.closedReason !== undefined) return Promise.reject(this.closedReason);
    return this.requests.requestHave(contentId);
  }

  /** Hears the chunks the peer stores of files we asked it about. Returns an unsubscribe function. */
  onHaveChunk(listener: (contentId: string, index: number) => void): () => void {
    this.haveChunkListeners.add(listener);
    return () => this.haveChunkListeners.delete(listener);
  }

  /** We stored a chunk: tells the peer, if it asked which chunks of this file we have. */
  announceChunk(contentId: string, index: number): void {
    if (!this.isOpen || !this.remoteInterests.has(contentId)) return;
    this.trySend(encodeControlFrame({ t: 'have-chunk', contentId, index }));
  }

  /**
   * The bytes of one chunk, reassembled from its blocks into one buffer of `expectedLength` bytes.
   * Rejects with the peer's error, TIMEOUT, PEER_UNREACHABLE, CHUNK_CORRUPT (malformed blocks) or
   * CANCELLED. The caller verifies the bytes against the manifest.
   */
  /** The chunk's bytes, reassembled in a buffer from `buffers` when given (see OutgoingRequests). */
  requestChunk(contentId: string, index: number, expectedLength: number, buffers?: ChunkBuffers): Promise<Uint8Array> {
    if (this.closedReason !== undefined) return Promise.reject(this.closedReason);
    return this.requests.requestChunk(contentId, index, expectedLength, buffers);
  }

  /** Cancels our pending requests for a file (or one chunk of it); they reject with CANCELLED. */
  cancel(contentId: string, index?: number): void {
    this.requests.cancel(contentId, index);
  }

  /** How the channel reaches the peer (direct or relayed, round trip); undefined where the transport
   * cannot tell or the read fails. Asks the browser for stats: call it every few seconds, not per chunk. */
  async connectionPath(): Promise<ConnectionPath | undefined> {
    if (!this.isOpen || this.channel.connectionPath === undefined) return undefined;
    try {
      return await this.channel.connectionPath();
    } catch {
      return undefined;
    }
  }

  /** Called once when the link closes; at once (asynchronously) if it already has. */
  onClose(listener: (reason: ShoalError) => void): () => void {
    const reason = this.closedReason;
    if (reason !== undefined) {
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.channel.close();
    this.handleClose();
  }

  private handleFrame(frame: Frame): void {
    if (typeof frame !== 'string') {
      const block = decodeBlockFrame(frame);
      if (block !== undefined) this.requests.handleBlock(block);
      return;
    }
    const message = parseControlFrame(frame);
    if (message === undefined) return;
    switch (message.t) {
      case 'manifest-request':
      case 'chunk-request':
        this.serving.enqueue(message);
        break;
      case 'cancel':
        this.serving.cancel(message.requestId);
        break;
      case 'have-request':
        void this.answerHaveRequest(message);
        break;
      case 'manifest':
        this.requests.handleManifest(message);
        break;
      case 'have':
        this.requests.handleHave(message);
        break;
      case 'have-chunk':
        for (const listener of [...this.haveChunkListeners]) listener(message.contentId, message.index);
        break;
      case 'error':
        this.requests.handleError(message);
        break;
    }
  }

  /** Answered at once, not behind queued chunks. Interest is noted before the store is read, so a
   * chunk stored meanwhile is announced rather than missed (it may be both, which is harmless). */
  private async answerHaveRequest(request: HaveRequest): Promise<void> {
    const { requestId, contentId } = request;
    this.remoteInterests.delete(contentId);
    this.remoteInterests.add(contentId);
    if (this.remoteInterests.size > REMOTE_INTERESTS_MAX) {
      const [oldest] = this.remoteInterests;
      if (oldest !== undefined) this.remoteInterests.delete(oldest);
    }
    let answer: PeerControl;
    try {
      const record = await this.store.getFile(contentId);
      if (record === undefined) {
        answer = { t: 'error', requestId, code: 'FILE_NOT_FOUND', message: 'This peer does not hold the file' };
      } else {
        const held = await this.store.listChunkIndices(contentId);
        answer = { t: 'have', requestId, contentId, bitfield: encodeHaveBitfield(held, record.manifest.chunkHashes.length) };
      }
    } catch (error) {
      this.log.warn(`could not read which chunks of ${contentId} we hold, for ${this.peerId}`, error);
      answer = { t: 'error', requestId, code: 'INTERNAL', message: 'This peer could not read the file from its storage' };
    }
    this.trySend(encodeControlFrame(answer));
  }

  private handleClose(): void {
    if (this.closedReason !== undefined) return;
    const reason = new ShoalError('PEER_UNREACHABLE', `Lost the connection to ${this.peerId}`);
    this.closedReason = reason;
    this.stopListening();
    this.stopWatchingClose();
    this.markClosed();
    this.serving.stop();
    this.requests.failAll(reason);
    this.haveChunkListeners.clear();
    this.remoteInterests.clear();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const listener of listeners) listener(reason);
  }

  private trySend(frame: string): boolean {
    if (!this.channel.isOpen) return false;
    try {
      this.channel.send(frame);
      return true;
    } catch {
      return false;
    }
  }
}
