/**
 * The engine's Transport over simple-peer, signalling through the tracker. It is written against
 * the simple-peer constructor it is given, so the browser passes simple-peer's browser bundle and
 * Node passes simple-peer with a native WebRTC binding (`wrtc` option).
 */
import type SimplePeer from 'simple-peer';
import { ShoalError } from '../protocol/errors';
import type { SignalData, SignalPush } from '../protocol/tracker-messages';
import { CONNECT_TIMEOUT_MS } from '../engine/transfer-policy';
import type { PeerChannel, Transport } from '../engine/transport';
import type { SignalingChannel } from './signaling';
import { SimplePeerChannel } from './simple-peer-channel';


export type SimplePeerConstructor = new (options: SimplePeer.Options) => SimplePeer.Instance;

export interface SimplePeerTransportOptions {
  SimplePeer: SimplePeerConstructor;
  signaling: SignalingChannel;
  /** Extra simple-peer options (ICE servers, `wrtc` in Node). */
  peerOptions?: Partial<SimplePeer.Options>;
}

interface PendingConnection {
  peerId: string;
  peer: SimplePeer.Instance;
}

export class SimplePeerTransport implements Transport {
  private readonly options: SimplePeerTransportOptions;
  private readonly connections = new Map<string, PendingConnection>();
  private readonly incomingListeners = new Set<(channel: PeerChannel) => void>();
  private readonly stopListening: () => void;
  private nextConnectionNumber = 0;

  constructor(options: SimplePeerTransportOptions) {
    this.options = options;
    this.stopListening = options.signaling.onSignal((push) => this.handleSignal(push));
  }

  connect(peerId: string, options: { timeoutMs?: number } = {}): Promise<PeerChannel> {
    const connectionId = `${Date.now().toString(36)}-${(this.nextConnectionNumber++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const peer = this.createPeer(peerId, connectionId, true);
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    return new Promise<PeerChannel>((resolve, reject) => {
      const fail = (error: ShoalError): void => {
        clearTimeout(timer);
        this.connections.delete(connectionId);
        peer.destroy();
        reject(error);
      };
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
      peer.on('signal', (data: SignalData) => {
        this.options.signaling.sendSignal(peerId, connectionId, data).catch((error: unknown) => {
          fail(error instanceof ShoalError ? error : new ShoalError('PEER_UNREACHABLE', String(error)));
        });
      });
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

  private createPeer(peerId: string, connectionId: string, initiator: boolean): SimplePeer.Instance {
    const peer = new this.options.SimplePeer({
      initiator,
      trickle: true,
      objectMode: true,
      config: { iceServers: [] },
      ...this.options.peerOptions,
    });
    this.connections.set(connectionId, { peerId, peer });
    peer.once('close', () => this.connections.delete(connectionId));
    return peer;
  }

  /** Routes a relayed signal to its connection, creating the answering side of a new one. */
  private handleSignal(push: SignalPush): void {
    const existing = this.connections.get(push.connectionId);
    if (existing) {
      // Only the peer we are talking to may continue a connection.
      if (existing.peerId === push.from) this.safeSignal(existing.peer, push.data);
      return;
    }
    if (push.data.type !== 'offer') return;
    const peer = this.createPeer(push.from, push.connectionId, false);
    peer.on('signal', (data: SignalData) => {
      this.options.signaling.sendSignal(push.from, push.connectionId, data).catch(() => peer.destroy());
    });
    // An offer whose connection never opens (the caller gave up, ICE failed) must not linger.
    const abandonTimer = setTimeout(() => peer.destroy(), CONNECT_TIMEOUT_MS);
    peer.once('close', () => clearTimeout(abandonTimer));
    peer.once('connect', () => {
      clearTimeout(abandonTimer);
      const channel = new SimplePeerChannel(push.from, peer);
      for (const listener of this.incomingListeners) listener(channel);
    });
    peer.on('error', () => peer.destroy());
    this.safeSignal(peer, push.data);
  }

  private safeSignal(peer: SimplePeer.Instance, data: SignalData): void {
    try {
      peer.signal(data as SimplePeer.SignalData);
    } catch {
      peer.destroy();
    }
  }
}
