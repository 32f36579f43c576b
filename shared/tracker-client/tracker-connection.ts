/**
 * A peer's link to the tracker (browser and Node alike): a Socket.IO client with typed, validated
 * request/ack calls. Socket.IO reconnects by itself after network failures, and we retry a
 * connection the tracker refused; the owner re-joins on `onConnectionChange`.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { errorCodeSchema, ShoalError, shoalErrorFrom, type ErrorBody } from '../protocol/errors';
import type { PeerIdentity } from '../identity/peer-keys';
import type { IceServer, IceServerGrant } from '../protocol/ice-servers';
import { joinChallengeText } from '../identity/signed-texts';
import {
  challengeAckSchema,
  holdersAckSchema,
  iceServersAckSchema,
  joinAckSchema,
  okAckSchema,
  peersDeltaPushSchema,
  peersDeltasPushSchema,
  peersSnapshotPushSchema,
  searchAckSchema,
  signalPushSchema,
  type ClientToServerEvents,
  type FileAnnouncement,
  type Holder,
  type JoinedPeer,
  type PeerSummary,
  type RemovedPush,
  type SearchResult,
  type ServerToClientEvents,
  type SignalData,
  type SignalPush,
  removedPushSchema,
} from '../protocol/tracker-messages';
import type { SignalingChannel } from '../transport/signaling';
import { IceServerLease } from './ice-server-lease';
import { PeerListReplica } from './peer-list-replica';

/** A tracker that does not acknowledge within this time is treated as unreachable. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * A connection the tracker refused (its per-address cap) is tried again after this long: Socket.IO
 * gives up on a refusal, and the slot frees only when another connection from our address closes,
 * which a person may do (closing a tab) at any moment. Each try costs the tracker one handshake.
 */
export const REFUSED_RETRY_MS = 5_000;

/** What a tracker's middleware sends with a refusal (`connect_error` data): its code from the table. */
const refusalDataSchema = z.object({ code: errorCodeSchema });
/** Longer messages are not the tracker's own sentences; they are cut rather than shown whole. */
const REFUSAL_MESSAGE_MAX_CHARS = 200;

type TrackerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckEvent = 'challenge' | 'join' | 'announce' | 'withdraw' | 'search' | 'holders' | 'signal' | 'ice-servers';

export interface JoinOptions {
  name: string;
  identity: PeerIdentity;
  /** Only for networks whose operator set a network key. */
  networkKey?: string;
}

export interface SearchPage {
  total: number;
  results: SearchResult[];
}

export interface TrackerConnectionTuning {
  /** For tests: how long to wait before trying a refused connection again (REFUSED_RETRY_MS). */
  refusedRetryMs?: number;
}

export class TrackerConnection implements SignalingChannel {
  private readonly socket: TrackerSocket;
  private readonly signalListeners = new Set<(push: SignalPush) => void>();
  private readonly refusalListeners = new Set<(error: ShoalError) => void>();
  private readonly refusedRetryMs: number;
  private refusedRetry: ReturnType<typeof setTimeout> | undefined;
  /** The tracker sends the peer list once per join and then only its changes; this is our copy. */
  private readonly peerList = new PeerListReplica();
  private readonly peerListeners = new Set<(peers: PeerSummary[]) => void>();
  /** The ICE servers from the last join, renewed before their TURN credentials expire. */
  private readonly iceLease = new IceServerLease(() => this.requestIceServers());

  constructor(url?: string, tuning: TrackerConnectionTuning = {}) {
    const options = { transports: ['websocket'], reconnectionDelayMax: 2000, autoConnect: false };
    this.socket = url === undefined ? io(options) : io(url, options);
    this.refusedRetryMs = tuning.refusedRetryMs ?? REFUSED_RETRY_MS;
    this.socket.on('connect_error', (error) => {
      // After a network failure Socket.IO is still active and retries by itself; after a refusal by
      // the tracker (a middleware error) it is not, and would leave us offline for good.
      if (this.socket.active) return;
      const refusal = refusalFrom(error);
      for (const listener of this.refusalListeners) listener(refusal);
      this.retryRefusedLater();
    });
    // A tracker that disconnects us on purpose (revoked, banned) is still there: reconnect so the
    // person sees the join form again; Socket.IO only reconnects by itself after network failures.
    this.socket.on('disconnect', (reason) => {
      // Renewing needs a joined connection; the next join brings a fresh grant.
      this.iceLease.stop();
      this.peerList.reset();
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('peers-snapshot', (raw: unknown) => {
      const push = peersSnapshotPushSchema.safeParse(raw);
      if (push.success && this.peerList.applySnapshotPage(push.data)) this.notifyPeers();
    });
    this.socket.on('peers-delta', (raw: unknown) => {
      const push = peersDeltaPushSchema.safeParse(raw);
      if (push.success && this.peerList.applyDelta(push.data)) this.notifyPeers();
    });
    this.socket.on('peers-deltas', (raw: unknown) => {
      const push = peersDeltasPushSchema.safeParse(raw);
      if (!push.success) return;
      let isChanged = false;
      for (const delta of push.data.deltas) isChanged = this.peerList.applyDelta(delta) || isChanged;
      if (isChanged) this.notifyPeers();
    });
    this.socket.on('signal', (raw: unknown) => {
      const push = signalPushSchema.safeParse(raw);
      if (!push.success) return;
      for (const listener of this.signalListeners) listener(push.data);
    });
  }

  get isConnected(): boolean {
    return this.socket.connected;
  }

  connect(): void {
    this.cancelRefusedRetry();
    this.socket.connect();
  }

  disconnect(): void {
    this.cancelRefusedRetry();
    this.iceLease.stop();
    this.socket.disconnect();
  }

  /**
   * Called when the tracker refuses our connection (too many connections from our address), with
   * the tracker's reason as a ShoalError; the connection is tried again after a while by itself.
   */
  onRefused(listener: (error: ShoalError) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  private retryRefusedLater(): void {
    this.cancelRefusedRetry();
    this.refusedRetry = setTimeout(() => {
      this.refusedRetry = undefined;
      this.socket.connect();
    }, this.refusedRetryMs);
  }

  private cancelRefusedRetry(): void {
    if (this.refusedRetry !== undefined) clearTimeout(this.refusedRetry);
    this.refusedRetry = undefined;
  }

  onConnectionChange(listener: (isConnected: boolean) => void): void {
    this.socket.on('connect', () => listener(true));
    this.socket.on('disconnect', () => listener(false));
  }

  /** Called with the whole online peer list (sorted as the tracker sorts it) whenever it changes. */
  onPeers(listener: (peers: PeerSummary[]) => void): void {
    this.peerListeners.add(listener);
  }

  private notifyPeers(): void {
    const peers = this.peerList.list();
    for (const listener of this.peerListeners) listener(peers);
  }

  onIndexChanged(listener: () => void): void {
    this.socket.on('index-changed', listener);
  }

  /** Registers under a name, proving ownership of the identity key by signing the tracker's nonce. */
  async join({ name, identity, networkKey }: JoinOptions): Promise<JoinedPeer> {
    const { nonce } = await this.request('challenge', {}, challengeAckSchema);
    // The tracker verifies the trimmed name, so sign exactly that.
    const signature = await identity.sign(joinChallengeText(nonce, name.trim()));
    const request = { name, publicKey: identity.publicKey, signature, ...(networkKey ? { networkKey } : {}) };
    const { peer, iceServers, iceServersExpireAt } = await this.request('join', request, joinAckSchema);
    this.iceLease.replace({ iceServers, iceServersExpireAt });
    return peer;
  }

  /** The ICE servers (STUN, TURN with current credentials) the tracker gave us; [] before joining. */
  get iceServers(): IceServer[] {
    return this.iceLease.current;
  }

  /** When the TURN credentials in `iceServers` run out (epoch ms); undefined when nothing expires. */
  get iceServersExpireAt(): number | undefined {
    return this.iceLease.expireAtMs;
  }

  /** Gets fresh ICE servers (new TURN credentials) now; this also happens by itself before they expire. */
  async renewIceServers(): Promise<IceServerGrant> {
    const grant = await this.requestIceServers();
    this.iceLease.replace(grant);
    return grant;
  }

  private async requestIceServers(): Promise<IceServerGrant> {
    const { iceServers, iceServersExpireAt } = await this.request('ice-servers', {}, iceServersAckSchema);
    return { iceServers, iceServersExpireAt };
  }

  /** The tracker disconnects us on purpose (name revoked, key banned) and says why first. */
  onRemoved(listener: (push: RemovedPush) => void): void {
    this.socket.on('removed', (raw: unknown) => {
      const push = removedPushSchema.safeParse(raw);
      if (push.success) listener(push.data);
    });
  }

  async announce(files: FileAnnouncement[]): Promise<void> {
    if (files.length > 0) await this.request('announce', { files }, okAckSchema);
  }

  async withdraw(contentIds: string[]): Promise<void> {
    if (contentIds.length > 0) await this.request('withdraw', { contentIds }, okAckSchema);
  }

  async search(query: string, offset = 0): Promise<SearchPage> {
    const { total, results } = await this.request('search', { query, offset }, searchAckSchema);
    return { total, results };
  }

  async holders(contentId: string): Promise<Holder[]> {
    return (await this.heldFile(contentId))?.holders ?? [];
  }

  /** A file as the index knows it (name, size, type, holders), or null when nobody holds it. */
  async heldFile(contentId: string): Promise<SearchResult | null> {
    return (await this.request('holders', { contentId }, holdersAckSchema)).file;
  }

  async sendSignal(to: string, connectionId: string, data: SignalData): Promise<void> {
    await this.request('signal', { to, connectionId, data }, okAckSchema);
  }

  onSignal(listener: (push: SignalPush) => void): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** Emits an event and resolves with the parsed success ack, or rejects with the tracker's error. */
  private async request<S extends z.ZodType<{ ok: true } | { ok: false; error: ErrorBody }>>(
    event: AckEvent,
    payload: unknown,
    ackSchema: S,
  ): Promise<Extract<z.infer<S>, { ok: true }>> {
    if (!this.socket.connected) throw new ShoalError('PEER_UNREACHABLE', 'Not connected to the tracker');
    let raw: unknown;
    try {
      raw = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
    } catch {
      throw new ShoalError('TIMEOUT', 'The tracker did not answer in time');
    }
    const ack = ackSchema.safeParse(raw);
    if (!ack.success) throw new ShoalError('INTERNAL', 'The tracker sent an answer Shoal does not understand');
    if (!ack.data.ok) throw shoalErrorFrom(ack.data.error);
    return ack.data as Extract<z.infer<S>, { ok: true }>;
  }
}

/** The tracker's refusal as a ShoalError: its code from the table, its sentence (bounded). */
function refusalFrom(error: Error & { data?: unknown }): ShoalError {
  const data = refusalDataSchema.safeParse(error.data);
  const message = error.message.slice(0, REFUSAL_MESSAGE_MAX_CHARS);
  return data.success
    ? new ShoalError(data.data.code, message)
    : new ShoalError('PEER_UNREACHABLE', `The tracker refused the connection: ${message}`);
}
