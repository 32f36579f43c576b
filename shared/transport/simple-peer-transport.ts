/**
 * The engine's Transport over simple-peer, signalling through the tracker. It is written against
 * the simple-peer constructor it is given, so the browser passes simple-peer's browser bundle and
 * Node passes simple-peer with a native WebRTC binding (`wrtc` option). With `auth`, offers and
 * answers are signed and checked (signal-signing.ts).
 */
import type SimplePeer from 'simple-peer';
import { ShoalError } from '../protocol/errors';
import type { SignalData, SignalPush } from '../protocol/tracker-messages';
import { CONNECT_TIMEOUT_MS } from '../engine/transfer-policy';
import type { PeerChannel, Transport } from '../engine/transport';
import type { SignalingChannel } from './signaling';
import { SimplePeerChannel } from './simple-peer-channel';
import { isSignalAuthentic, signSignal, type SignalAuth } from './signal-signing';

export type SimplePeerConstructor = new (options: SimplePeer.Options) => SimplePeer.Instance;

export interface SimplePeerTransportOptions {
  SimplePeer: SimplePeerConstructor;
  signaling: SignalingChannel;
  /** Sign our offers/answers and refuse peers whose signatures do not check out. */
  auth?: SignalAuth;
  /** Extra simple-peer options (ICE servers, `wrtc` in Node). */
  peerOptions?: Partial<SimplePeer.Options>;
}

interface Connection {
  peerId: string;
  peerName: string;
  peer: SimplePeer.Instance;
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
    const { peer } = connection;
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    return new Promise<PeerChannel>((resolve, reject) => {
      const fail = (error: ShoalError): void => {
        clearTimeout(timer);
        this.connections.delete(connectionId);
        peer.destroy();
        reject(error);
      };
      connection.fail = fail;
      const timer = setTimeout(
        () => fail(new ShoalError('PEER_UNREACHABLE', 'The peer did not answer the connection in time')),
        timeoutMs,
      );
      peer.once('connect', () => {
        clearTimeout(timer);
        resolve(new SimplePeerChannel(peerId, peer));
      });
      peer.once('error', (error: Error) =>
        fail(new ShoalError('PEER_UNREACHABLE', `Could not connect to the peer: ${error.message}`)),
      );
      peer.once('close', () => fail(new ShoalError('PEER_UNREACHABLE', 'The connection closed before it opened')));
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
    const peer = new this.options.SimplePeer({
      initiator,
      trickle: true,
      objectMode: true,
      config: { iceServers: [] },
      ...this.options.peerOptions,
    });
    const connection: Connection = { peerId, peerName, peer, outgoing: Promise.resolve(), incoming: Promise.resolve() };
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
