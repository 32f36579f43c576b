/**
 * Our links to other peers: `linkTo` gives the peer's main link, reusing an open one whoever opened
 * it, or connects; `extraLinksTo` adds separate connections to a distant peer, which downloads
 * spread their requests over (see LINKS_PER_PEER). Channels other peers open to us become links
 * that serve our store, each answering the requests that came in on it. Closed links are
 * forgotten, so the next call reconnects. The pool holds the node's upload and download rate
 * limits, which every link and download share.
 */
import { silentLogger, type ComponentLogger } from '../logging/logger';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { ChunkStore } from './chunk-store';
import { realClock, type Clock } from './clock';
import { ExtraLinks } from './extra-links';
import { PeerLink } from './peer-link';
import { RateLimiter } from './rate-limiter';
import type { ServeEvent } from './serve-queue';
import { ServedChunks, type ChunkRepairer, type OriginalFiles } from './served-chunks';
import { CONNECT_TIMEOUT_MS, EXTRA_LINKS_IDLE_MS } from './transfer-policy';
import type { PeerChannel, Transport } from './transport';

export interface LinkPoolOptions {
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  sendHighWaterBytes?: number;
  /** Initial limits in bytes per second; 0 or absent = unlimited. Change them with the setters. */
  uploadLimitBytesPerSec?: number;
  downloadLimitBytesPerSec?: number;
  /** Re-reads a damaged stored chunk from the original file, so it can still be served. */
  repairChunk?: ChunkRepairer;
  /** Originals the host still has: their chunks are served from them (verified) instead of the store. */
  originals?: OriginalFiles;
  /** The rate limiters' and idle extra links' clock (tests pass a virtual one). */
  clock?: Clock;
  /** Extra links nobody uses are closed after this long (EXTRA_LINKS_IDLE_MS). */
  extraLinksIdleMs?: number;
  /** Hears what links and serving handled quietly; silent when absent. */
  logger?: ComponentLogger;
}

/** What a download needs from the pool; tests and simulations may pass their own. */
export interface LinkSource {
  linkTo(peerId: string): Promise<PeerLink>;
  /** Up to `count` open links to the peer besides its main one, each its own connection; fewer
   * (even none) when connecting fails. The caller calls `releaseExtraLinks` once done with them.
   * Absent where a source has a single link per peer. */
  extraLinksTo?(peerId: string, count: number): Promise<PeerLink[]>;
  releaseExtraLinks?(peerId: string): void;
  /** Tells every peer that asked about the file that we now hold this chunk. */
  announceChunk?(contentId: string, index: number): void;
  /** Bounds the bytes a download requests; shared by every download of the node. */
  readonly downloadLimiter?: RateLimiter;
}

export class LinkPool implements LinkSource {
  /** The link used for our requests to each peer. */
  private readonly links = new Map<string, PeerLink>();
  /** Every open link, including a second one when two peers dialled each other at once: it keeps
   * serving whatever the other side asks on it until it closes. */
  private readonly allLinks = new Set<PeerLink>();
  private readonly connecting = new Map<string, Promise<PeerLink>>();
  private readonly extraLinks: ExtraLinks;
  private readonly serveListeners = new Set<(event: ServeEvent) => void>();
  private readonly stopIncoming: () => void;
  private isClosed = false;
  readonly uploadLimiter: RateLimiter;
  readonly downloadLimiter: RateLimiter;
  /** What every link serves from, so a chunk verified for one peer is not hashed again for the next. */
  readonly servedChunks: ServedChunks;

  constructor(
    private readonly transport: Transport,
    private readonly store: ChunkStore,
    private readonly options: LinkPoolOptions = {},
  ) {
    this.uploadLimiter = new RateLimiter(options.uploadLimitBytesPerSec ?? 0, options.clock);
    this.downloadLimiter = new RateLimiter(options.downloadLimitBytesPerSec ?? 0, options.clock);
    this.servedChunks = new ServedChunks(store, {
      originals: options.originals,
      repairChunk: options.repairChunk,
      log: (options.logger ?? silentLogger).forComponent('shoal:engine:serve'),
    });
    this.extraLinks = new ExtraLinks(
      (peerId) => this.connectExtra(peerId),
      options.clock ?? realClock,
      options.extraLinksIdleMs ?? EXTRA_LINKS_IDLE_MS,
      (options.logger ?? silentLogger).forComponent('shoal:engine:links'),
    );
    this.stopIncoming = transport.onIncoming((channel) => {
      if (this.isClosed) channel.close();
      else this.adopt(channel);
    });
  }

  /** An open link to the peer: an existing one, or a new connection. Rejects with a ShoalError. */
  linkTo(peerId: string): Promise<PeerLink> {
    if (this.isClosed) return Promise.reject(new ShoalError('CANCELLED', 'The transfer engine is shut down'));
    const existing = this.links.get(peerId);
    if (existing?.isOpen) return Promise.resolve(existing);
    let attempt = this.connecting.get(peerId);
    if (attempt === undefined) {
      attempt = this.connect(peerId).finally(() => this.connecting.delete(peerId));
      this.connecting.set(peerId, attempt);
    }
    return attempt;
  }

  /** Open extra links to the peer, connecting more (in parallel) until there are `count`; they are
   * reused while any download uses them and closed EXTRA_LINKS_IDLE_MS after the last lets go. */
  extraLinksTo(peerId: string, count: number): Promise<PeerLink[]> {
    if (this.isClosed) return Promise.resolve([]);
    return this.extraLinks.acquire(peerId, count);
  }

  releaseExtraLinks(peerId: string): void {
    this.extraLinks.release(peerId);
  }

  /** Bytes per second we send to all peers together; 0 = unlimited. Throws BAD_REQUEST if negative. */
  setUploadLimit(bytesPerSec: number): void {
    this.uploadLimiter.setBytesPerSecond(bytesPerSec);
  }

  /** Bytes per second all downloads together ask peers for; 0 = unlimited. Throws BAD_REQUEST if negative. */
  setDownloadLimit(bytesPerSec: number): void {
    this.downloadLimiter.setBytesPerSecond(bytesPerSec);
  }

  get uploadLimitBytesPerSec(): number {
    return this.uploadLimiter.bytesPerSecond;
  }

  get downloadLimitBytesPerSec(): number {
    return this.downloadLimiter.bytesPerSecond;
  }

  /** We stored a verified chunk: every peer that asked which chunks of the file we have hears of it,
   * so a file spreads before we hold all of it. Downloads call this themselves. */
  announceChunk(contentId: string, index: number): void {
    for (const link of this.allLinks) link.announceChunk(contentId, index);
  }

  /** Hears what we serve to other peers: manifests, chunks and refusals. Returns an unsubscribe function. */
  onServe(listener: (event: ServeEvent) => void): () => void {
    this.serveListeners.add(listener);
    return () => this.serveListeners.delete(listener);
  }

  /** Peers we have an open link to right now. */
  connectedPeerIds(): string[] {
    return [...this.links.values()].filter((link) => link.isOpen).map((link) => link.peerId);
  }

  /** Closes every link and stops accepting new ones; the transport itself belongs to the caller. */
  close(): void {
    this.isClosed = true;
    this.stopIncoming();
    for (const link of [...this.allLinks]) link.close();
    this.links.clear();
    this.extraLinks.stop();
  }

  private async connect(peerId: string): Promise<PeerLink> {
    const timeoutMs = this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const channel = await withTimeout(this.transport.connect(peerId, { timeoutMs }), timeoutMs, peerId);
    if (this.isClosed) {
      channel.close();
      throw new ShoalError('CANCELLED', 'The transfer engine is shut down');
    }
    return this.adopt(channel);
  }

  private async connectExtra(peerId: string): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const channel = await withTimeout(this.transport.connect(peerId, { timeoutMs }), timeoutMs, peerId);
    if (this.isClosed) channel.close();
    else this.adopt(channel, true);
  }

  /** Wraps a channel in a link; returns the link to use for the peer (an older open one wins), or
   * the new link itself when it is one of our extra links. */
  private adopt(channel: PeerChannel, isExtra = false): PeerLink {
    const link = new PeerLink(channel, {
      store: this.store,
      requestTimeoutMs: this.options.requestTimeoutMs,
      sendHighWaterBytes: this.options.sendHighWaterBytes,
      uploadLimiter: this.uploadLimiter,
      servedChunks: this.servedChunks,
      logger: this.options.logger,
      onServe: (event) => this.emitServe(event),
    });
    this.allLinks.add(link);
    link.onClose(() => {
      this.allLinks.delete(link);
      if (this.links.get(link.peerId) === link) this.links.delete(link.peerId);
    });
    if (isExtra) {
      this.extraLinks.add(link);
      return link;
    }
    const current = this.links.get(link.peerId);
    if (current?.isOpen) return current;
    this.links.set(link.peerId, link);
    return link;
  }

  private emitServe(event: ServeEvent): void {
    for (const listener of this.serveListeners) {
      try {
        listener(event);
      } catch (error) {
        // A UI listener's bug must not stop us serving; report it as uncaught instead.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** The transport should honour its timeout; this guards against one that does not. */
function withTimeout(connecting: Promise<PeerChannel>, timeoutMs: number, peerId: string): Promise<PeerChannel> {
  return new Promise((resolve, reject) => {
    let isTimedOut = false;
    const timer = setTimeout(() => {
      isTimedOut = true;
      reject(new ShoalError('TIMEOUT', `Could not connect to ${peerId} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    connecting.then(
      (channel) => {
        clearTimeout(timer);
        if (isTimedOut) channel.close();
        else resolve(channel);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(asShoalError(error, 'PEER_UNREACHABLE'));
      },
    );
  });
}
