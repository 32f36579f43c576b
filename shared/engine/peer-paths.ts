/**
 * How each holder a download fetches from is connected (direct or through a TURN relay, and the
 * round trip), for the transfer's report. Read once when the holder's link opens, then again every
 * PATH_REFRESH_INTERVAL_MS because the round trip drifts; never per chunk or block, since a read
 * asks the browser for the connection's stats.
 */
import type { Logger } from '../logging/logger';
import type { Clock } from './clock';
import { RTT_UNKNOWN_RETRY_MS } from './transfer-policy';
import type { ConnectionPath } from './transport';

/** Reads of a path whose round trip is not measured yet, before waiting for the regular refresh. */
const RTT_UNKNOWN_RETRIES = 5;

/** A holder the download is fetching from, and how it is reached (undefined until known, or where
 * the transport cannot tell). */
export interface FetchingPeer {
  peerId: string;
  /** The holder's name as the tracker listed it. */
  name: string;
  path: ConnectionPath | undefined;
}

/** Whatever can say how it reaches its peer: a PeerLink. */
export interface PathSource {
  connectionPath(): Promise<ConnectionPath | undefined>;
}

interface Entry {
  peer: FetchingPeer;
  source: PathSource;
}

export class PeerPaths {
  private readonly entries = new Map<string, Entry>();
  /** Cancels the scheduled refresh. */
  private cancelTimer: (() => void) | undefined;
  private isStopped = false;

  constructor(
    private readonly refreshIntervalMs: number,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Called when a holder comes or goes, or its path changes. */
    private readonly onChanged: () => void,
    /** Called after each read of a holder's path (the fetcher decides on extra links from it). */
    private readonly onRead: (peerId: string, path: ConnectionPath | undefined) => void = () => {},
  ) {}

  /** A holder's link is open and in use: report it, and read its path at once. */
  add(peerId: string, name: string, source: PathSource): void {
    if (this.isStopped) return;
    const entry: Entry = { peer: { peerId, name, path: undefined }, source };
    this.entries.set(peerId, entry);
    this.onChanged();
    void this.read(entry);
    this.scheduleRefresh();
  }

  remove(peerId: string): void {
    if (!this.entries.delete(peerId)) return;
    this.onChanged();
    if (this.entries.size === 0) this.cancelRefresh();
  }

  /** The holders in use, in the order their links opened; each a fresh copy the caller may keep. */
  list(): FetchingPeer[] {
    return [...this.entries.values()].map(({ peer }) => ({ ...peer, path: peer.path && { ...peer.path } }));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every holder and stops refreshing. */
  stop(): void {
    this.isStopped = true;
    this.cancelRefresh();
    const hadAny = this.entries.size > 0;
    this.entries.clear();
    if (hadAny) this.onChanged();
  }

  private async read(entry: Entry, retriesLeft = RTT_UNKNOWN_RETRIES): Promise<void> {
    let path: ConnectionPath | undefined;
    try {
      path = await entry.source.connectionPath();
    } catch (error) {
      path = undefined; // a stats read that fails (the connection is closing) leaves the path unknown
      this.log.debug(`could not read how ${entry.peer.name} is connected`, error);
    }
    if (this.entries.get(entry.peer.peerId) !== entry) return;
    if (path !== undefined && path.rttMs === undefined && retriesLeft > 0) {
      // Measured within a second or so of connecting; the fetcher wants it before the next refresh.
      this.clock.setTimer(() => void this.read(entry, retriesLeft - 1), RTT_UNKNOWN_RETRY_MS);
    }
    this.onRead(entry.peer.peerId, path);
    if (isSamePath(entry.peer.path, path)) return;
    entry.peer.path = path;
    this.onChanged();
  }

  private scheduleRefresh(): void {
    if (this.cancelTimer !== undefined || this.isStopped) return;
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      if (this.entries.size === 0) return;
      for (const entry of this.entries.values()) void this.read(entry);
      this.scheduleRefresh();
    }, this.refreshIntervalMs);
  }

  private cancelRefresh(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}

function isSamePath(a: ConnectionPath | undefined, b: ConnectionPath | undefined): boolean {
  return a?.kind === b?.kind && a?.rttMs === b?.rttMs;
}
