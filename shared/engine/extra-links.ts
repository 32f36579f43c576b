/**
 * Our extra connections to distant peers (see LINKS_PER_PEER), kept apart from each peer's main
 * link: opened when a download asks, shared by the downloads that use them, and closed once none
 * has for EXTRA_LINKS_IDLE_MS. An idle connection still costs keep-alive checks and memory on both
 * sides, and a page can hold only a few hundred, so a long session must not pile them up.
 */
import type { Logger } from '../logging/logger';
import type { Clock } from './clock';
import type { PeerLink } from './peer-link';

export class ExtraLinks {
  private readonly byPeer = new Map<string, Set<PeerLink>>();
  private readonly connecting = new Map<string, Promise<PeerLink[]>>();
  /** Downloads using each peer's extra links now. */
  private readonly users = new Map<string, number>();
  private readonly idleTimers = new Map<string, () => void>();

  constructor(
    /** Opens one more connection to the peer and hands its link to `add`; rejects when it cannot. */
    private readonly connectOne: (peerId: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly log: Logger,
  ) {}

  /** Up to `count` open extra links to the peer, connecting more in parallel (fewer when some fail).
   * The caller uses them until it calls `release(peerId)`, once per call of this. */
  acquire(peerId: string, count: number): Promise<PeerLink[]> {
    this.users.set(peerId, (this.users.get(peerId) ?? 0) + 1);
    this.idleTimers.get(peerId)?.();
    this.idleTimers.delete(peerId);
    let attempt = this.connecting.get(peerId);
    if (attempt === undefined) {
      attempt = this.connectUpTo(peerId, count).finally(() => this.connecting.delete(peerId));
      this.connecting.set(peerId, attempt);
    }
    return attempt.then((links) => links.slice(0, count));
  }

  /** A download is done with the peer's extra links; the last one out starts the idle clock. */
  release(peerId: string): void {
    const left = (this.users.get(peerId) ?? 0) - 1;
    if (left > 0) {
      this.users.set(peerId, left);
      return;
    }
    this.users.delete(peerId);
    const cancel = this.clock.setTimer(() => {
      this.idleTimers.delete(peerId);
      for (const link of [...(this.byPeer.get(peerId) ?? [])]) link.close();
    }, this.idleMs);
    this.idleTimers.set(peerId, cancel);
  }

  /** A new extra link, open; forgotten when it closes. */
  add(link: PeerLink): void {
    const links = this.byPeer.get(link.peerId) ?? new Set<PeerLink>();
    links.add(link);
    this.byPeer.set(link.peerId, links);
    link.onClose(() => {
      links.delete(link);
      if (links.size === 0 && this.byPeer.get(link.peerId) === links) this.byPeer.delete(link.peerId);
    });
  }

  /** Stops the idle clocks; the pool closes the links themselves. */
  stop(): void {
    for (const cancel of this.idleTimers.values()) cancel();
    this.idleTimers.clear();
    this.byPeer.clear();
  }

  private async connectUpTo(peerId: string, count: number): Promise<PeerLink[]> {
    const open = (): PeerLink[] => [...(this.byPeer.get(peerId) ?? [])].filter((link) => link.isOpen);
    const missing = Math.max(0, count - open().length);
    // One more connection would have been faster; a failed one leaves the peer served by the others.
    const connectOrSayWhy = (): Promise<void> =>
      this.connectOne(peerId).catch((error: unknown) => this.log.debug(`an extra connection to ${peerId} failed`, error));
    await Promise.all(Array.from({ length: missing }, connectOrSayWhy));
    return open();
  }
}
