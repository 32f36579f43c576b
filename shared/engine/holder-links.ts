/**
 * The links one download uses to one holder: the main link (which told us the holder's chunks and
 * hears of new ones), plus extra connections on a long round trip (LINKS_PER_PEER). Each request
 * goes to the link with the fewest in flight, so the holder's window is spread evenly and every
 * connection stays busy; the holder answers each request on the link it came in on.
 */
import type { LinkSource } from './link-pool';
import type { PeerLink } from './peer-link';

export class HolderLinks {
  /** Requests in flight on each link, in the order the links were added (the main one first). */
  private readonly inFlight = new Map<PeerLink, number>();
  private readonly stopWatchingExtras: (() => void)[] = [];
  /** Where the extra links came from, while we use them. */
  private extrasSource: LinkSource | undefined;
  /** Extra links were asked for: once per holder per fetch. */
  hasWidened = false;

  constructor(readonly main: PeerLink) {
    this.inFlight.set(main, 0);
  }

  get count(): number {
    return this.inFlight.size;
  }

  all(): PeerLink[] {
    return [...this.inFlight.keys()];
  }

  /**
   * Adds up to `count` extra connections to the holder from `source` (fewer when some fail to
   * connect), unless `unwanted` has aborted by the time they are open (the holder left the fetch). Resolves with how many were added. An
   * extra link that closes is forgotten; its requests fail on their own.
   */
  async widen(source: LinkSource, count: number, unwanted: AbortSignal): Promise<number> {
    if (this.hasWidened || source.extraLinksTo === undefined) return 0;
    this.hasWidened = true;
    const extras = await source.extraLinksTo(this.main.peerId, count);
    if (unwanted.aborted) {
      source.releaseExtraLinks?.(this.main.peerId);
      return 0;
    }
    this.extrasSource = source;
    let added = 0;
    for (const link of extras) {
      if (!link.isOpen || this.inFlight.has(link)) continue;
      this.inFlight.set(link, 0);
      this.stopWatchingExtras.push(link.onClose(() => this.inFlight.delete(link)));
      added += 1;
    }
    return added;
  }

  /** The holder left the fetch, or the fetch ended: stop following its extra links and let them go. */
  stopWatching(): void {
    for (const stop of this.stopWatchingExtras.splice(0)) stop();
    this.extrasSource?.releaseExtraLinks?.(this.main.peerId);
    this.extrasSource = undefined;
  }

  /** The open link with the fewest requests in flight (the main one on a tie), for the next request. */
  leastBusy(): PeerLink | undefined {
    let best: PeerLink | undefined;
    let bestCount = Infinity;
    for (const [link, count] of this.inFlight) {
      if (count < bestCount && link.isOpen) {
        best = link;
        bestCount = count;
      }
    }
    return best;
  }

  requestStarted(link: PeerLink): void {
    const count = this.inFlight.get(link);
    if (count !== undefined) this.inFlight.set(link, count + 1);
  }

  requestEnded(link: PeerLink): void {
    const count = this.inFlight.get(link);
    if (count !== undefined && count > 0) this.inFlight.set(link, count - 1);
  }
}
