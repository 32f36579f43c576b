/** What a WebRTC transport needs from the tracker: send a signal to a peer, hear signals sent to us. */
import type { SignalData, SignalPush } from '../protocol/tracker-messages';

export interface SignalingChannel {
  /** Relays a signal through the tracker; rejects with a ShoalError (e.g. PEER_NOT_FOUND). */
  sendSignal(to: string, connectionId: string, data: SignalData): Promise<void>;
  /** Registers a listener for relayed signals; returns a function that removes it. */
  onSignal(listener: (push: SignalPush) => void): () => void;
}
