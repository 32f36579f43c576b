/**
 * The links one download uses to one holder: the main link (which told us the holder's chunks and
 * hears of new ones), plus extra connections on a long round trip (LINKS_PER_PEER). Each request
 * goes to the link with the fewest in flight, so the holder's window is spread evenly and every
 * connection stays busy; the holder answers each request on the link it came in on.
 */
import type { PeerLink } from './peer-link';

export class HolderLinks {
  /** Requests in flight on each link, in the order the links were added (the main one first). */
  private readonly inFlight = new Map<PeerLink, number>();

  constructor(readonly main: PeerLink) {
    this.inFlight.set(main, 0);
  }

  get count(): number {
    return this.inFlight.size;
  }

  all(): PeerLink[] {
    return [...this.inFlight.keys()];
  }

  has(link: PeerLink): boolean {
    return this.inFlight.has(link);
  }

  add(link: PeerLink): void {
    if (!this.inFlight.has(link)) this.inFlight.set(link, 0);
  }

  /** Forgets a link that closed; its requests fail on their own. */
  remove(link: PeerLink): void {
    if (link !== this.main) this.inFlight.delete(link);
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
