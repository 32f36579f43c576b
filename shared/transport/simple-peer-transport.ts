/**
 * The engine's Transport over simple-peer, signalling through the tracker. It is written against
 * the simple-peer constructor it is given, so the browser passes simple-peer's browser bundle and
 * Node passes simple-peer with a native WebRTC binding (`wrtc` option). With `auth`, offers and
 * answers are signed and checked (signal-signing.ts). Each new connection uses the ICE servers
 * current at that moment (TURN credentials are renewed while we run); a connection that finds no
 * path fails with a PeerUnreachableError that says why (ice-diagnosis.ts).
 */
import type SimplePeer from 'simple-peer';
import { ShoalError } from '../protocol/errors';
import type { SignalData, SignalPush } from '../protocol/tracker-messages';
import { CONNECT_TIMEOUT_MS } from '../engine/transfer-policy';
import { PeerUnreachableError, type PeerChannel, type Transport } from '../engine/transport';
import type { IceServer } from '../protocol/ice-servers';
import { IceDiagnosis } from './ice-diagnosis';
import type { SignalingChannel } from './signaling';
import { SimplePeerChannel } from './simple-peer-channel';
import { isSignalAuthentic, signSignal, type SignalAuth } from './signal-signing';

export type SimplePeerConstructor = new (options: SimplePeer.Options) => SimplePeer.Instance;

export interface SimplePeerTransportOptions {
  SimplePeer: SimplePeerConstructor;
  signaling: SignalingChannel;
  /** Sign our offers/answers and refuse peers whose signatures do not check out. */
  auth?: SignalAuth;
  /** The ICE servers (STUN, TURN) for the next connection; read afresh for each. Default none. */
  iceServers?: () => IceServer[];
  /** Extra simple-peer options (`wrtc` in Node; `config` for tests, e.g. a relay-only policy). */
  peerOptions?: Partial<SimplePeer.Options>;
}

interface Connection {
  peerId: string;
  peerName: string;
  peer: SimplePeer.Instance;
  /** What ICE showed of the paths to the peer, to word a failure. */
  diagnosis: IceDiagnosis;
  /** Whether the peer has sent us anything for this connection (its answer, candidates). */
  hasHeardFromPeer: boolean;
  /** Signals are signed and verified asynchronously; these chains keep them in order. */
  outgoing: Promise<void>;
  incoming: Promise<void>;
  /** Fails the caller's connect() (initiator side only). */
  fail?: (error: ShoalError) => void;
}

export class SimplePeerTransport implements Transport {
  private readonly options: SimplePeerTransportOptions;
  private readonly connections = new Map<string, Connection>();
  private readonly incomingListeners = new Set<(channel: PeerChannel) => void>();
  private readonly stopListening: () => void;
  private nextConnectionNumber = 0;

  constructor(options: SimplePeerTransportOptions) {
    this.options = options;
    this.stopListening = options.signaling.onSignal((push) => this.handleSignal(push));
  }

  connect(peerId: string, options: { timeoutMs?: number } = {}): Promise<PeerChannel> {
    const connectionId = `${Date.now().toString(36)}-${(this.nextConnectionNumber++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const connection = this.createConnection(peerId, peerId, connectionId, true);
    const { peer, diagnosis } = connection;
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    return new Promise<PeerChannel>((resolve, reject) => {
      const fail = (error: ShoalError): void => {
        clearTimeout(timer);
        this.connections.delete(connectionId);
        peer.destroy();
        reject(error);
      };
      connection.fail = fail;
      // A peer that never answered may be busy or gone; one that answered but has no path between
      // us is a network problem, worded by what ICE showed.
      const timer = setTimeout(
        () => fail(new PeerUnreachableError(connection.hasHeardFromPeer ? diagnosis.why() : 'it did not answer in time')),
        timeoutMs,
      );
      diagnosis.watch(peer, () => fail(new PeerUnreachableError(diagnosis.why())));
      peer.once('connect', () => {
        clearTimeout(timer);
        resolve(new SimplePeerChannel(peerId, peer));
      });
      peer.once('error', (error: Error & { code?: string }) => fail(new PeerUnreachableError(whyFailed(error, diagnosis))));
      peer.once('close', () => fail(new PeerUnreachableError('the connection closed before it opened')));
    });
  }

  onIncoming(listener: (channel: PeerChannel) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  close(): void {
    this.stopListening();
    for (const { peer } of this.connections.values()) peer.destroy();
    this.connections.clear();
  }

  private createConnection(peerId: string, peerName: string, connectionId: string, initiator: boolean): Connection {
    const { config: extraConfig, ...peerOptions } = this.options.peerOptions ?? {};
    const config: RTCConfiguration = { ...extraConfig, iceServers: this.options.iceServers?.() ?? extraConfig?.iceServers ?? [] };
    const peer = new this.options.SimplePeer({
      initiator,
      trickle: true,
      objectMode: true,
      config,
      // Both ends make the data channel themselves (id 0) instead of the answerer being handed it
      // when the caller's open arrives. Handed a channel, wrtc registers for its messages before it
      // passes on the ones that came first, so the caller's first frames could reach the answerer
      // after later ones (seen in CI: early 2, 3, 4, then 0, 1).
      channelName: 'shoal',
      channelConfig: NEGOTIATED_CHANNEL,
      ...peerOptions,
    });
    const connection: Connection = {
      peerId,
      peerName,
      peer,
      diagnosis: new IceDiagnosis(config),
      hasHeardFromPeer: false,
      outgoing: Promise.resolve(),
      incoming: Promise.resolve(),
    };
    this.connections.set(connectionId, connection);
    peer.once('close', () => this.connections.delete(connectionId));
    peer.on('signal', (data: SignalData) => {
      connection.outgoing = connection.outgoing.then(() => this.sendSignal(connection, connectionId, data));
    });
    return connection;
  }

  private async sendSignal(connection: Connection, connectionId: string, data: SignalData): Promise<void> {
    try {
      const auth = this.options.auth;
      const signed = auth ? await signSignal(data, this.session(connectionId, auth.myPeerId() ?? '', connection.peerId), auth.identity) : data;
      await this.options.signaling.sendSignal(connection.peerId, connectionId, signed);
    } catch (error) {
      const reason = error instanceof ShoalError ? error : new ShoalError('PEER_UNREACHABLE', String(error));
      if (connection.fail) connection.fail(reason);
      else connection.peer.destroy();
    }
  }

  /** Routes a relayed signal to its connection, creating the answering side of a new one. */
  private handleSignal(push: SignalPush): void {
    let connection = this.connections.get(push.connectionId);
    if (connection && connection.peerId !== push.from) return; // only the peer we talk to may continue
    if (!connection) {
      if (push.data.type !== 'offer') return;
      connection = this.createConnection(push.from, push.fromName, push.connectionId, false);
      this.acceptWhenOpen(connection);
    }
    const target = connection;
    target.hasHeardFromPeer = true;
    target.incoming = target.incoming.then(() => this.applySignal(target, push));
  }

  private async applySignal(connection: Connection, push: SignalPush): Promise<void> {
    const auth = this.options.auth;
    if (auth) {
      const session = this.session(push.connectionId, push.from, auth.myPeerId() ?? '');
      if (!(await isSignalAuthentic(push.data, session, push.fromPublicKey))) {
        const reason = `'${push.fromName}' sent connection details whose signature does not match its key; the connection was refused`;
        auth.onRejected?.({ peerId: push.from, peerName: push.fromName, reason });
        if (connection.fail) connection.fail(new ShoalError('SIGNATURE_INVALID', reason));
        else connection.peer.destroy();
        return;
      }
    }
    try {
      connection.peer.signal(push.data as SimplePeer.SignalData);
    } catch {
      connection.peer.destroy();
    }
  }

  private acceptWhenOpen(connection: Connection): void {
    const { peer } = connection;
    // An offer whose connection never opens (the caller gave up, ICE failed) must not linger.
    const abandonTimer = setTimeout(() => peer.destroy(), CONNECT_TIMEOUT_MS);
    peer.once('close', () => clearTimeout(abandonTimer));
    peer.on('error', () => peer.destroy());
    peer.once('connect', () => {
      clearTimeout(abandonTimer);
      const channel = new SimplePeerChannel(connection.peerId, peer);
      for (const listener of this.incomingListeners) listener(channel);
    });
  }

  private session(connectionId: string, fromPeerId: string, toPeerId: string) {
    return { connectionId, fromPeerId, toPeerId };
  }
}

/** The one data channel of each connection, made by both ends (see createConnection). */
const NEGOTIATED_CHANNEL: RTCDataChannelInit = { negotiated: true, id: 0 };

/** simple-peer's error codes for ICE (and the whole connection) giving up: no path worked. */
const NO_PATH_ERROR_CODES = new Set(['ERR_ICE_CONNECTION_FAILURE', 'ERR_CONNECTION_FAILURE']);

function whyFailed(error: Error & { code?: string }, diagnosis: IceDiagnosis): string {
  return error.code !== undefined && NO_PATH_ERROR_CODES.has(error.code) ? diagnosis.why() : `the connection failed (${error.message})`;
}
