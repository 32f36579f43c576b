/**
 * A peer's presence on the tracker: connect, join under a name, keep the live peer list, re-join by
 * itself after a reconnect (retrying a taken name for a while: the tracker may still hold our old
 * registration until it notices the old socket closed), warn once about peers whose key changed,
 * and give up the name when the tracker removes us. This is the one place that calls `join`.
 */
import type { Clock } from '../engine';
import { findKeyChanges, type KnownKeyStore } from '../identity/known-keys';
import { keyFingerprint, type PeerIdentity } from '../identity/peer-keys';
import { asShoalError, ShoalError } from '../protocol/errors';
import { NAME_MAX_CHARS } from '../protocol/limits';
import type { JoinedPeer, PeerSummary } from '../protocol/tracker-messages';
import type { NodeEvents, SessionStatus, SessionView } from './node-events';
import type { NodeSettings } from './node-settings';
import type { TrackerLink } from './parts';
import { nextValue, sleep } from './waiting';

/** A taken name is retried this often, for a little longer than the tracker's dead-peer deadline (15 s). */
export const REJOIN_RETRY_MS = 1_000;
export const REJOIN_GIVE_UP_MS = 20_000;
/** After RATE_LIMITED: an attempt (challenge + join) costs two of the join budget's tokens, which
 * refill at 0.4 a second (signaling-server/config.ts), so one attempt fits in every 5 s. */
export const REJOIN_RATE_LIMITED_WAIT_MS = 5_000;
/** A default name that clashes is tried as `<name>-2`, `<name>-3`: each try spends join budget. */
const DEFAULT_NAME_ATTEMPTS = 3;

export interface SessionOptions {
  tracker: TrackerLink;
  identity: PeerIdentity;
  settings: NodeSettings;
  clock: Clock;
  events: NodeEvents;
  knownKeys?: KnownKeyStore;
  /** Keep the name (and network key) in the settings, and re-join under it at the next start (browser). */
  remembersName: boolean;
  /** Runs after every join, first or again (the node re-announces and resumes). */
  afterJoin: () => Promise<void>;
}

export interface FirstJoin {
  /** A name the person chose: used as is. */
  name?: string;
  /** Without a chosen name: a default made from our key's fingerprint (numbered on a clash). */
  defaultName?: (fingerprint: string) => string;
  networkKey?: string;
}

export class Session {
  private status: SessionStatus = 'connecting';
  private joined: JoinedPeer | undefined;
  private joinError: string | undefined;
  /** The tracker's refusal of our last connection attempt; cleared once connected. */
  private refusal: ShoalError | undefined;
  private latestPeers: PeerSummary[] | undefined;
  /** The name to (re-)join under after a reconnect. */
  private wantedName: string | undefined;
  private networkKey: string | undefined;
  private isClosed = false;
  /** Ends a rejoin loop when the connection drops again or the node stops. */
  private rejoining: AbortController | undefined;
  private readonly warnedPeerIds = new Set<string>();

  constructor(private readonly options: SessionOptions) {
    const { tracker } = options;
    tracker.onPeers((peers) => this.peersChanged(peers));
    tracker.onRemoved(({ error }) => {
      this.wantedName = undefined;
      if (options.remembersName) void options.settings.forgetName();
      this.joined = undefined;
      this.joinError = error.message;
      this.emitView();
      this.message('error', `The tracker removed this peer: ${error.message}`);
    });
    tracker.onConnectionChange((isConnected) => this.connectionChanged(isConnected));
    tracker.onRefused((error) => this.refused(error));
  }

  /** Loads the remembered name and key (if the host remembers them); call before `connect`. */
  async load(): Promise<void> {
    if (!this.options.remembersName) return;
    this.wantedName = await this.options.settings.rememberedName();
    this.networkKey = await this.options.settings.networkKey();
  }

  get view(): SessionView {
    return { status: this.status, me: this.joined, joinError: this.joinError, connectError: this.refusal?.message };
  }

  get me(): JoinedPeer | undefined {
    return this.joined;
  }

  get isOnline(): boolean {
    return this.joined !== undefined && this.options.tracker.isConnected;
  }

  get savedNetworkKey(): string | undefined {
    return this.networkKey;
  }

  /** `items` without ourselves: we never download from, list or warn about our own peer. */
  others<T extends { id: string }>(items: readonly T[]): T[] {
    const myId = this.joined?.id;
    return items.filter((item) => item.id !== myId);
  }

  /** The other peers online, as last pushed by the tracker. */
  otherPeers(): PeerSummary[] {
    return this.others(this.latestPeers ?? []);
  }

  /** The other peers, waiting for the tracker's first list after joining if it has not come yet. */
  async peerList(signal?: AbortSignal): Promise<PeerSummary[]> {
    if (this.latestPeers === undefined) {
      await nextValue<PeerSummary[]>(
        (listener) => this.options.events.on('peers', listener),
        () => true,
        signal,
        'The tracker did not send the peer list in time',
      );
    }
    return this.otherPeers();
  }

  /**
   * Connects to the tracker; resolves once connected (Socket.IO keeps retrying until then), rejects
   * with the tracker's reason when it refuses us (the connection is still retried by itself).
   */
  async connect(signal?: AbortSignal): Promise<void> {
    const settled = nextValue<SessionView>(
      (listener) => this.options.events.on('session', listener),
      (view) => view.status === 'online' || view.connectError !== undefined,
      signal,
      'The tracker did not answer in time',
    );
    this.options.tracker.connect();
    if (this.options.tracker.isConnected) return;
    await settled;
    if (this.refusal !== undefined) throw this.refusal;
  }

  /** Joins under a name the person typed (the browser's join form); rejects with a ShoalError. */
  async join(name: string, networkKey?: string): Promise<JoinedPeer> {
    this.networkKey = networkKey?.trim() || undefined;
    this.joinError = undefined;
    this.emitView();
    try {
      return await this.register(name);
    } catch (error) {
      this.joinError = asShoalError(error).message;
      this.emitView();
      throw error;
    }
  }

  /** The CLI's first join: the chosen name, or the default one (numbered variants on a clash). */
  async joinFirst(first: FirstJoin): Promise<JoinedPeer> {
    this.networkKey = first.networkKey;
    if (first.name !== undefined || first.defaultName === undefined) return this.register(first.name ?? '');
    const base = first.defaultName(await keyFingerprint(this.options.identity.publicKey));
    for (let attempt = 1; ; attempt += 1) {
      const name = attempt === 1 ? base : `${base.slice(0, NAME_MAX_CHARS - 2)}-${attempt}`;
      try {
        return await this.register(name);
      } catch (error) {
        if (asShoalError(error).code !== 'NAME_TAKEN' || attempt >= DEFAULT_NAME_ATTEMPTS) throw error;
      }
    }
  }

  /** Leaves the tracker: it drops our registration and every file we announced. */
  close(): void {
    this.isClosed = true;
    this.rejoining?.abort();
    this.options.tracker.disconnect();
  }

  /** The one call to the tracker's join; then the node re-announces (its failures are reported, not thrown). */
  private async register(name: string): Promise<JoinedPeer> {
    const { tracker, identity, settings, remembersName } = this.options;
    if (!tracker.isConnected) {
      throw (
        this.refusal ??
        new ShoalError('PEER_UNREACHABLE', 'The tracker is not reachable right now; Shoal keeps trying to reconnect')
      );
    }
    const networkKey = this.networkKey;
    const me = await tracker.join({ name, identity, ...(networkKey !== undefined ? { networkKey } : {}) });
    this.joined = me;
    this.wantedName = me.name;
    this.joinError = undefined;
    if (remembersName) await settings.rememberJoin(me.name, networkKey);
    this.emitView();
    await this.options.afterJoin().catch((error: unknown) => this.message('warning', asShoalError(error).message));
    return me;
  }

  /** The tracker refused our connection: say why (once per run of refusals) until it lets us in. */
  private refused(error: ShoalError): void {
    if (this.isClosed) return;
    const isNew = this.refusal?.message !== error.message;
    this.refusal = error;
    this.emitView();
    // The first connect rejects with it instead; later ones (after being online) are news.
    if (isNew && this.status === 'reconnecting') this.message('warning', `The tracker refused the connection: ${error.message}; retrying`);
  }

  private connectionChanged(isConnected: boolean): void {
    if (this.isClosed) return;
    this.rejoining?.abort();
    this.rejoining = undefined;
    if (isConnected) this.refusal = undefined;
    if (!isConnected) {
      if (this.joined !== undefined) this.message('info', 'Lost the tracker; reconnecting…');
      this.status = 'reconnecting';
      this.joined = undefined;
      this.latestPeers = undefined;
      this.emitView();
      this.options.events.emit('peers', []);
      return;
    }
    this.status = 'online';
    this.emitView();
    if (this.wantedName !== undefined) {
      this.rejoining = new AbortController();
      void this.rejoin(this.wantedName, this.rejoining.signal);
    }
  }

  /** Joins again under the same name, retrying a taken name until the tracker lets the old registration go. */
  private async rejoin(name: string, signal: AbortSignal): Promise<void> {
    const deadline = this.options.clock.now() + REJOIN_GIVE_UP_MS;
    for (;;) {
      try {
        await this.register(name);
        this.message('info', `Back online as ${name}`);
        return;
      } catch (error) {
        if (signal.aborted || this.isClosed || !this.options.tracker.isConnected) return;
        const reason = asShoalError(error);
        // A taken name may be our old registration, not yet let go; a rate limit (each join spends
        // the connection's join budget) passes with waiting. Anything else will not pass by itself.
        const mayPass = reason.code === 'NAME_TAKEN' || reason.code === 'RATE_LIMITED';
        if (!mayPass || this.options.clock.now() > deadline) {
          this.wantedName = undefined;
          if (this.options.remembersName) await this.options.settings.forgetName();
          this.joinError = reason.message;
          this.emitView();
          this.message('warning', `Could not join the tracker again as ${name}: ${reason.message}`);
          return;
        }
        const waitMs = reason.code === 'RATE_LIMITED' ? REJOIN_RATE_LIMITED_WAIT_MS : REJOIN_RETRY_MS;
        await sleep(this.options.clock, waitMs, signal).catch(() => undefined);
        if (signal.aborted) return;
      }
    }
  }

  private peersChanged(peers: PeerSummary[]): void {
    this.latestPeers = peers;
    this.options.events.emit('peers', peers);
    void this.warnAboutChangedKeys(peers);
  }

  /** Each peer whose key changed is reported once; the list of such peers follows every push. */
  private async warnAboutChangedKeys(peers: PeerSummary[]): Promise<void> {
    const { knownKeys } = this.options;
    if (knownKeys === undefined) return;
    const changes = await findKeyChanges(peers, this.joined?.id, knownKeys).catch(() => []);
    for (const { peer, warning } of changes) {
      if (this.warnedPeerIds.has(peer.id)) continue;
      this.warnedPeerIds.add(peer.id);
      this.message('warning', warning, 'peers');
    }
    this.options.events.emit(
      'keyChanges',
      changes.map(({ peer }) => peer.id),
    );
  }

  private emitView(): void {
    this.options.events.emit('session', this.view);
  }

  private message(level: 'info' | 'warning' | 'error', text: string, about: 'session' | 'peers' = 'session'): void {
    this.options.events.emit('message', { level, about, text });
  }
}
