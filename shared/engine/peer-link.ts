/**
 * One data channel to one peer, used both ways: we ask the peer for manifests and chunks, and we
 * answer its requests from our store. Every incoming frame is parsed at the door; a frame that
 * does not parse is dropped, so a broken or hostile peer cannot crash us.
 */
import { ShoalError } from '../protocol/errors';
import { decodeBlockFrame, encodeControlFrame, parseControlFrame, type Manifest } from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';
import { OutgoingRequests } from './outgoing-requests';
import { ServeQueue, type ServeEvent } from './serve-queue';
import { REQUEST_IDLE_TIMEOUT_MS, SEND_HIGH_WATER_BYTES } from './transfer-policy';
import type { Frame, PeerChannel } from './transport';

export interface PeerLinkOptions {
  /** Where the files we serve live. */
  store: ChunkStore;
  /** A request fails when the peer sends nothing towards our requests for this long. */
  requestTimeoutMs?: number;
  /** Serving waits for the channel to drain above this many queued bytes. */
  sendHighWaterBytes?: number;
  onServe?: (event: ServeEvent) => void;
  now?: () => number;
}

export class PeerLink {
  readonly peerId: string;
  private readonly requests: OutgoingRequests;
  private readonly serving: ServeQueue;
  private readonly closeListeners = new Set<(reason: ShoalError) => void>();
  private closedReason: ShoalError | undefined;
  private readonly stopListening: () => void;
  private readonly stopWatchingClose: () => void;
  private markClosed: () => void = () => {};

  constructor(
    private readonly channel: PeerChannel,
    options: PeerLinkOptions,
  ) {
    this.peerId = channel.peerId;
    const whenClosed = new Promise<void>((resolve) => {
      this.markClosed = resolve;
    });
    this.requests = new OutgoingRequests({
      peerId: channel.peerId,
      timeoutMs: options.requestTimeoutMs ?? REQUEST_IDLE_TIMEOUT_MS,
      now: options.now ?? Date.now,
      sendControl: (message) => this.trySend(encodeControlFrame(message)),
    });
    this.serving = new ServeQueue(channel, options.store, {
      highWaterBytes: options.sendHighWaterBytes ?? SEND_HIGH_WATER_BYTES,
      whenClosed,
      onServe: options.onServe ?? (() => {}),
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

  /**
   * The bytes of one chunk, reassembled from its blocks into one buffer of `expectedLength` bytes.
   * Rejects with the peer's error, TIMEOUT, PEER_UNREACHABLE, CHUNK_CORRUPT (malformed blocks) or
   * CANCELLED. The caller verifies the bytes against the manifest.
   */
  requestChunk(contentId: string, index: number, expectedLength: number): Promise<Uint8Array> {
    if (this.closedReason !== undefined) return Promise.reject(this.closedReason);
    return this.requests.requestChunk(contentId, index, expectedLength);
  }

  /** Cancels our pending requests for a file (or one chunk of it); they reject with CANCELLED. */
  cancel(contentId: string, index?: number): void {
    this.requests.cancel(contentId, index);
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
      case 'manifest':
        this.requests.handleManifest(message);
        break;
      case 'error':
        this.requests.handleError(message);
        break;
    }
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
