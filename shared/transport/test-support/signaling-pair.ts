/**
 * Two signalling channels wired to each other in memory, standing in for the tracker's relay, so
 * transport tests can run two real WebRTC peers in one process. A `rewrite` hook lets a test change
 * or drop what crosses, as a network that blocks paths would.
 */
import type { SignalData, SignalPush } from '../../protocol/tracker-messages';
import type { SignalingChannel } from '../signaling';

/** Returns the signal to deliver, or undefined to drop it. */
export type SignalRewrite = (data: SignalData) => SignalData | undefined;

class MemorySignaling implements SignalingChannel {
  readonly listeners = new Set<(push: SignalPush) => void>();
  other: MemorySignaling | undefined;

  constructor(
    readonly peerId: string,
    private readonly rewrite: SignalRewrite,
  ) {}

  async sendSignal(to: string, connectionId: string, data: SignalData): Promise<void> {
    const other = this.other;
    if (other === undefined || other.peerId !== to) return; // nobody there: the signal is lost
    const delivered = this.rewrite(data);
    if (delivered === undefined) return;
    const push: SignalPush = { from: this.peerId, fromName: this.peerId, fromPublicKey: 'unsigned', connectionId, data: delivered };
    // Asynchronously, as a relay through the tracker would be.
    setTimeout(() => {
      for (const listener of other.listeners) listener(push);
    }, 0);
  }

  onSignal(listener: (push: SignalPush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function signalingPair(ids: [string, string], rewrite: SignalRewrite = (data) => data): [SignalingChannel, SignalingChannel] {
  const a = new MemorySignaling(ids[0], rewrite);
  const b = new MemorySignaling(ids[1], rewrite);
  a.other = b;
  b.other = a;
  return [a, b];
}

/**
 * Keeps every ICE candidate from crossing: the offer and answer still do, so the peers agree to
 * connect, but neither learns an address to try and ICE can never find a path, even on loopback.
 */
export const dropCandidates: SignalRewrite = (data) => {
  if (data.type === 'candidate') return undefined;
  return data.sdp === undefined ? data : { ...data, sdp: data.sdp.replace(/^a=candidate:.*\r?\n/gm, '') };
};
