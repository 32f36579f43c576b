/**
 * The tracker's signal relay, in memory, FOR TESTS that run real WebRTC peers in one process or one
 * page (Node with wrtc, or Chromium). Like the tracker (signaling-server/signal-relay.ts) it stamps
 * each relayed signal with the sender's id, name and the public key it joined with, refuses a signal
 * to a peer that is not there with PEER_NOT_FOUND, and delivers asynchronously. `rewrite` lets a
 * test alter or drop what crosses, as a hostile or broken network would.
 */
import { ShoalError } from '../../protocol/errors';
import type { SignalData, SignalPush } from '../../protocol/tracker-messages';
import type { SignalingChannel } from '../signaling';

export interface RelayedPeer {
  id: string;
  name: string;
  /** The key the tracker verified at join; receivers check offers and answers against it. */
  publicKey: string;
}

/** Returns the signal to deliver, or undefined to drop it. */
export type RelayRewrite = (data: SignalData, from: RelayedPeer) => SignalData | undefined;

export class MemorySignalRelay {
  private readonly peers = new Map<string, { peer: RelayedPeer; listeners: Set<(push: SignalPush) => void> }>();

  constructor(private readonly rewrite: RelayRewrite = (data) => data) {}

  /** The peer joins; its signalling channel. A peer nobody listens for on that channel never answers. */
  join(peer: RelayedPeer): SignalingChannel {
    const listeners = new Set<(push: SignalPush) => void>();
    this.peers.set(peer.id, { peer, listeners });
    return {
      sendSignal: async (to, connectionId, data) => this.relay(peer, to, connectionId, data),
      onSignal: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  leave(peerId: string): void {
    this.peers.delete(peerId);
  }

  private relay(from: RelayedPeer, to: string, connectionId: string, data: SignalData): void {
    const target = this.peers.get(to);
    if (target === undefined || !this.peers.has(from.id)) {
      throw new ShoalError('PEER_NOT_FOUND', `Peer ${to} is not online; it may have left`);
    }
    const delivered = this.rewrite(data, from);
    if (delivered === undefined) return;
    const push: SignalPush = { from: from.id, fromName: from.name, fromPublicKey: from.publicKey, connectionId, data: delivered };
    setTimeout(() => {
      for (const listener of target.listeners) listener(push);
    }, 0);
  }
}
