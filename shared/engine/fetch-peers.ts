/**
 * The holders one fetch works with: which of the listed holders join (up to PEERS_PER_DOWNLOAD_MAX,
 * none still backing off after a failure), connecting to each and the have-handshake, extra links
 * to a distant one, and setting a holder aside when it fails. What to ask each holder for is the
 * fetcher's business; this only says who is there and what they have.
 */
import type { Logger } from '../logging/logger';
import type { ShoalError } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkScheduler } from './chunk-scheduler';
import type { Clock } from './clock';
import type { DownloadTuning } from './download-tuning';
import { HaveHandshake } from './have-handshake';
import type { HolderFailures } from './holder-failures';
import { HolderLinks } from './holder-links';
import type { LinkSource } from './link-pool';
import { PeerPaths, type FetchingPeer } from './peer-paths';
import { PeerWindow } from './peer-window';

export interface FetchPeer {
  holder: Holder;
  /** Set once the peer's have-bitfield is known; undefined while connecting and asking. */
  links: HolderLinks | undefined;
  window: PeerWindow;
  /** A holder tried again after a failure; while it connects the fetch still counts as waiting. */
  isRetry: boolean;
  stopListening: () => void;
  /** Aborts when the holder leaves the fetch (set aside, or the fetch ended). */
  left: AbortController;
}

export interface FetchPeersOptions {
  contentId: string;
  chunkSizeBytes: number;
  chunkTotal: number;
  pool: LinkSource;
  failures: HolderFailures;
  /** Hears what each holder has; forgets a holder that leaves. */
  scheduler: ChunkScheduler;
  clock: Clock;
  /** Hears which holders were set aside, and why. */
  log: Logger;
  tuning: Pick<DownloadTuning, 'peersMax' | 'pathRefreshIntervalMs' | 'linksPerPeer' | 'linksPerDownloadMax' | 'multiLinkRttMinMs'>;
  /** There may be something new to ask for: a holder is ready, gained a chunk, or got extra links. */
  onReady: () => void;
  /** A holder was set aside; its requests in flight are cancelled and back with the scheduler. */
  onDropped: () => void;
  /** The holders we are fetching from and how each is connected: when one comes or goes, or its path changes. */
  onPeersChanged: (peers: FetchingPeer[]) => void;
}

export class FetchPeers {
  private readonly peers = new Map<string, FetchPeer>();
  /** Kept across a holder's retries, so a peer that timed out starts again with a smaller window. */
  private readonly windows = new Map<string, PeerWindow>();
  /** The holders whose links are in use, with how each is connected. */
  private readonly paths: PeerPaths;
  private isClosed = false;

  constructor(private readonly options: FetchPeersOptions) {
    this.paths = new PeerPaths(
      options.tuning.pathRefreshIntervalMs,
      options.clock,
      options.log,
      () => options.onPeersChanged(this.paths.list()),
      (peerId, path) => this.pathRead(peerId, path?.rttMs),
    );
  }

  get size(): number {
    return this.peers.size;
  }

  all(): IterableIterator<FetchPeer> {
    return this.peers.values();
  }

  get(peerId: string): FetchPeer | undefined {
    return this.peers.get(peerId);
  }

  /** Starts connecting to listed holders not in the fetch yet, while there is room. */
  add(listed: readonly Holder[]): void {
    const { failures, tuning, clock } = this.options;
    const nowMs = clock.now();
    for (const holder of listed) {
      if (this.isClosed || this.peers.size >= tuning.peersMax) break;
      if (this.peers.has(holder.id) || !failures.canTry(holder.id, nowMs)) continue;
      let window = this.windows.get(holder.id);
      if (window === undefined) {
        window = new PeerWindow(this.options.chunkSizeBytes, nowMs);
        this.windows.set(holder.id, window);
      }
      const isRetry = failures.has(holder.id);
      const peer: FetchPeer = { holder, links: undefined, window, isRetry, stopListening: () => {}, left: new AbortController() };
      this.peers.set(holder.id, peer);
      void this.connect(peer);
    }
  }

  /** Sets a holder aside for this file (failures.ts decides for how long); its chunks in flight go back to the others. */
  drop(peer: FetchPeer, reason: unknown): void {
    if (!this.isCurrent(peer)) return;
    const { failures, clock, scheduler } = this.options;
    this.peers.delete(peer.holder.id);
    peer.left.abort();
    peer.stopListening();
    failures.record(peer.holder, reason, clock.now());
    this.options.log.debug(`set ${peer.holder.name} (${peer.holder.id}) aside for ${this.options.contentId}`, reason);
    scheduler.removePeer(peer.holder.id);
    this.cancelOn(peer);
    this.paths.remove(peer.holder.id);
    this.options.onDropped();
  }

  /** Drops the holder for good, even if it has since been dropped and added again. */
  dropForBadData(peer: FetchPeer, reason: ShoalError): void {
    const current = this.peers.get(peer.holder.id);
    if (current !== undefined) this.drop(current, reason);
    else this.options.failures.record(peer.holder, reason, this.options.clock.now());
  }

  /** Cancels our requests for the file (or one chunk of it) on every link to the holder. */
  cancelOn(peer: FetchPeer | undefined, index?: number): void {
    for (const link of peer?.links?.all() ?? []) link.cancel(this.options.contentId, index);
  }

  /** The fetch ended: stop listening to every holder and cancel what is in flight. */
  close(): void {
    this.isClosed = true;
    for (const peer of this.peers.values()) {
      peer.left.abort();
      peer.stopListening();
      this.cancelOn(peer);
    }
    this.peers.clear();
    this.paths.stop();
  }

  private isCurrent(peer: FetchPeer): boolean {
    return !this.isClosed && this.peers.get(peer.holder.id) === peer;
  }

  private async connect(peer: FetchPeer): Promise<void> {
    const { contentId, chunkTotal, pool, scheduler } = this.options;
    const peerId = peer.holder.id;
    try {
      const link = await pool.linkTo(peerId);
      if (!this.isCurrent(peer)) return;
      const handshake = new HaveHandshake(link, contentId, chunkTotal, (index) => {
        if (scheduler.peerGained(peerId, index)) this.options.onReady();
      });
      const stopClose = link.onClose((reason) => this.drop(peer, reason));
      peer.stopListening = () => {
        handshake.stop();
        stopClose();
        peer.links?.stopWatching();
      };
      const bitfield = await handshake.ask();
      if (!this.isCurrent(peer)) return;
      scheduler.addPeer(peerId, handshake.accept(bitfield));
      peer.links = new HolderLinks(link);
      this.options.failures.forget(peerId);
      this.paths.add(peerId, peer.holder.name, link);
      this.options.onReady();
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
    void links.widen(this.options.pool, wanted - 1, peer.left.signal).then((added) => {
      if (added > 0) this.options.onReady();
    });
  }
}
