/**
 * The Node peer's presence on the tracker: connect (failing fast when the tracker is unreachable),
 * join under a name, keep the live peer list, and re-join by itself after a reconnect, telling the
 * owner so it re-announces its files. This is the one place that calls `join`.
 */
import { hostname, userInfo } from 'node:os';
import { findKeyChanges, type KnownKeyStore } from '../../shared/identity/known-keys';
import { keyFingerprint, type PeerIdentity } from '../../shared/identity/peer-keys';
import { asShoalError, ShoalError } from '../../shared/protocol/errors';
import { NAME_MAX_CHARS } from '../../shared/protocol/limits';
import type { JoinedPeer, PeerSummary } from '../../shared/protocol/tracker-messages';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { REJOIN_GIVE_UP_MS, REJOIN_RETRY_MS, TRACKER_CONNECT_TIMEOUT_MS } from '../config';
import { TrackerUnreachableError } from './tracker-unreachable-error';

export interface TrackerSessionOptions {
  trackerUrl: string;
  /** A name the person chose: if it is taken, joining fails. Without one a default is picked. */
  name?: string;
  identity: PeerIdentity;
  networkKey?: string;
  connectTimeoutMs?: number;
  /** Messages for the person (reconnects, a lost name, a peer whose key changed). */
  log?: (message: string) => void;
  /** Keys of peers met before, to warn when a known name comes back with another key. */
  knownKeys?: KnownKeyStore;
}

export class TrackerSession {
  readonly connection: TrackerConnection;
  private joined: JoinedPeer | undefined;
  /** The name to re-join under after a reconnect. */
  private lastName: string | undefined;
  private latestPeers: PeerSummary[] | undefined;
  private readonly peerWaiters = new Set<(peers: PeerSummary[]) => void>();
  private readonly joinListeners = new Set<() => Promise<void>>();
  private isClosed = false;
  /** Peers already warned about, so a changed key is reported once, not on every peer-list push. */
  private readonly warnedPeerIds = new Set<string>();

  private constructor(private readonly options: TrackerSessionOptions) {
    this.connection = new TrackerConnection(options.trackerUrl);
    this.connection.onPeers((peers) => {
      this.latestPeers = peers;
      void this.warnAboutChangedKeys(peers);
      for (const resolve of this.peerWaiters) resolve(peers);
      this.peerWaiters.clear();
    });
    // The tracker says why before it drops us on purpose (name revoked, key banned).
    this.connection.onRemoved(({ error }) => options.log?.(`The tracker removed this peer: ${error.message}`));
  }

  /** Connects and joins; rejects with a ShoalError a person can act on. */
  static async open(options: TrackerSessionOptions): Promise<TrackerSession> {
    const session = new TrackerSession(options);
    try {
      await session.connect();
      session.joined = await session.joinFirstTime();
    } catch (error) {
      session.close();
      throw error;
    }
    session.connection.onConnectionChange((isConnected) => session.connectionChanged(isConnected));
    return session;
  }

  private async warnAboutChangedKeys(peers: PeerSummary[]): Promise<void> {
    const { knownKeys, log } = this.options;
    if (!knownKeys) return;
    const changes = await findKeyChanges(peers, this.joined?.id, knownKeys).catch(() => []);
    for (const { peer, warning } of changes) {
      if (this.warnedPeerIds.has(peer.id)) continue;
      this.warnedPeerIds.add(peer.id);
      log?.(warning);
    }
  }

  /** Who we are on the tracker (undefined while reconnecting). */
  get me(): JoinedPeer | undefined {
    return this.joined;
  }

  get isOnline(): boolean {
    return this.joined !== undefined && this.connection.isConnected;
  }

  /** Other peers online, as last pushed by the tracker. */
  otherPeers(): PeerSummary[] {
    return (this.latestPeers ?? []).filter((peer) => peer.id !== this.joined?.id);
  }

  /** The peer list, waiting for the tracker's first push after joining if it has not come yet. */
  async peerList(timeoutMs = TRACKER_CONNECT_TIMEOUT_MS): Promise<PeerSummary[]> {
    if (this.latestPeers === undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.peerWaiters.delete(done);
          reject(new ShoalError('TIMEOUT', 'The tracker did not send the peer list in time'));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.peerWaiters.add(done);
      });
    }
    return this.otherPeers();
  }

  /** Runs after every re-join (not the first join): the owner re-announces what it shares. */
  onRejoined(listener: () => Promise<void>): void {
    this.joinListeners.add(listener);
  }

  /** Leaves the tracker: it drops our registration and every file we announced. */
  close(): void {
    this.isClosed = true;
    this.connection.disconnect();
  }

  private connect(): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? TRACKER_CONNECT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new TrackerUnreachableError(
            `Cannot reach the tracker at ${this.options.trackerUrl}; is it running? (choose another with --tracker)`,
          ),
        );
      }, timeoutMs);
      this.connection.onConnectionChange((isConnected) => {
        if (!isConnected) return;
        clearTimeout(timer);
        resolve();
      });
      this.connection.connect();
    });
  }

  /** A chosen name is used as is. The default name carries a piece of the key's fingerprint, because
   * the tracker keeps a name for the key that first used it: user@host alone would be taken by the
   * first data dir on this machine. On the rare clash a couple of numbered variants are tried
   * (each attempt spends the tracker's join budget, so only a few). */
  private async joinFirstTime(): Promise<JoinedPeer> {
    if (this.options.name !== undefined) return this.join(this.options.name);
    const base = defaultPeerName(await keyFingerprint(this.options.identity.publicKey));
    for (let attempt = 1; ; attempt += 1) {
      const name = attempt === 1 ? base : `${base.slice(0, NAME_MAX_CHARS - 2)}-${attempt}`;
      try {
        return await this.join(name);
      } catch (error) {
        if (asShoalError(error).code !== 'NAME_TAKEN' || attempt >= 3) throw error;
      }
    }
  }

  /** The one call to the tracker's join. */
  private join(name: string): Promise<JoinedPeer> {
    const { identity, networkKey } = this.options;
    return this.connection.join({ name, identity, ...(networkKey !== undefined ? { networkKey } : {}) });
  }

  private connectionChanged(isConnected: boolean): void {
    if (this.isClosed) return;
    const name = this.joined?.name ?? this.lastName;
    if (!isConnected) {
      if (this.joined !== undefined) this.options.log?.('Lost the tracker; reconnecting…');
      this.lastName = name;
      this.joined = undefined;
      this.latestPeers = undefined;
      return;
    }
    if (name !== undefined) void this.rejoin(name);
  }

  /** Joins again under the same name; the tracker may still hold the old registration for a while. */
  private async rejoin(name: string): Promise<void> {
    const deadline = Date.now() + REJOIN_GIVE_UP_MS;
    for (;;) {
      try {
        this.joined = await this.join(name);
        this.options.log?.(`Back online as ${name}`);
        for (const listener of this.joinListeners) await listener();
        return;
      } catch (error) {
        const shoalError = asShoalError(error);
        if (this.isClosed || !this.connection.isConnected) return;
        if (shoalError.code !== 'NAME_TAKEN' || Date.now() > deadline) {
          this.options.log?.(`Could not join the tracker again as ${name}: ${shoalError.message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, REJOIN_RETRY_MS));
      }
    }
  }
}

/** "ana@laptop-1a2b" (user, host, start of the key fingerprint), within the tracker's name limit. */
export function defaultPeerName(fingerprint: string): string {
  let user = 'shoal';
  try {
    user = userInfo().username || user;
  } catch {
    // No user database entry (some containers): keep the generic name.
  }
  const host = hostname().split('.')[0] ?? 'node';
  const keyTag = fingerprint.replace(/\s+/g, '').slice(0, 4);
  return `${`${user}@${host}`.replace(/\s+/g, '-').slice(0, NAME_MAX_CHARS - keyTag.length - 1)}-${keyTag}`;
}
